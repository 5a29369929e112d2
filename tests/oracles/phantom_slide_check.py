"""Independent check of a phantom slide written by `medcnn phantom-slide`.

Usage: phantom_slide_check.py OUTDIR

Reads OUTDIR/slide.tif with PIL (level 0 = the first page of the pyramidal
TIFF), lesions.csv and patches/manifest.csv with the csv module, and prints
JSON with numbers computed here only from those files:
  width, height, pages            image size and number of TIFF pages (levels)
  mpp_x, mpp_y                    microns per pixel from the TIFF resolution tags
  glass_rgb                       median colour of the glass (bright, grey pixels)
  tissue_fraction                 share of pixels that are not glass (G < 200)
  lesions: [{cx, cy, r, centre_rgb, disc_rgb, ring_rgb}]
      centre pixel, mean of the inner disc (0.7 r) and of a ring just outside
      the disc (r + 8 .. r + 24), from the boxes read from lesions.csv
  boxes_inside, boxes_disjoint    box geometry (Box convention: continuous)
  patches: count, lesion_labels, label_agree (the "lesion" label <=> the patch
      centre lies inside a lesion disc from lesions.csv), size_ok, mean_abs_diff
      and max_mean_abs_diff of each PNG against the TIFF region it came from.
"""
import csv
import json
import os
import sys

import numpy as np
from PIL import Image

from oracle_common import clean

Image.MAX_IMAGE_PIXELS = None


def main():
    out = sys.argv[1]
    im = Image.open(os.path.join(out, "slide.tif"))
    pages = getattr(im, "n_frames", 1)
    im.seek(0)
    # Resolution tags: XResolution (282), YResolution (283), ResolutionUnit
    # (296: 2 = inch, 3 = centimetre) -> microns per pixel.
    tags = im.tag_v2
    per_unit = {2: 25400.0, 3: 10000.0}.get(int(tags.get(296, 2)), 0.0)
    mpp_x = per_unit / float(tags[282]) if 282 in tags else 0.0
    mpp_y = per_unit / float(tags[283]) if 283 in tags else 0.0
    rgb = np.asarray(im.convert("RGB")).astype(np.float64)
    h, w, _ = rgb.shape

    g = rgb[..., 1]
    grey = (rgb.min(axis=2) > 215) & (rgb.max(axis=2) - rgb.min(axis=2) < 15)
    glass_rgb = np.median(rgb[grey], axis=0)
    tissue_fraction = float((g < 200).mean())

    boxes = []
    with open(os.path.join(out, "lesions.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if not row.get("class"):
                continue
            b = [float(row[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
            boxes.append((row["image"], row["class"], b))

    yy, xx = np.mgrid[0:h, 0:w]
    xc, yc = xx + 0.5, yy + 0.5
    lesions = []
    for _, _, (x0, y0, x1, y1) in boxes:
        cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
        d = np.hypot(xc - cx, yc - cy)
        lesions.append({
            "cx": cx, "cy": cy, "r": r, "ry": (y1 - y0) / 2,
            "centre_rgb": rgb[int(cy), int(cx)],
            "disc_rgb": rgb[d <= 0.7 * r].mean(axis=0),
            "ring_rgb": rgb[(d >= r + 8) & (d <= r + 24)].mean(axis=0),
        })
    inside = all(b[0] >= 0 and b[1] >= 0 and b[2] <= w and b[3] <= h for _, _, b in boxes)
    disjoint = True
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i][2], boxes[j][2]
            if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1]):
                disjoint = False

    patches = None
    manifest = os.path.join(out, "patches", "manifest.csv")
    if os.path.exists(manifest):
        rows = list(csv.DictReader(open(manifest, newline="")))
        agree = 0
        size_ok = True
        mads = []
        regions = {}
        for row in rows:
            p = np.asarray(Image.open(os.path.join(out, "patches", row["image"])).convert("RGB"))
            s = p.shape[0]
            size_ok &= p.shape[0] == p.shape[1]
            x, y = int(row["x"]), int(row["y"])
            pcx, pcy = x + s / 2, y + s / 2
            in_disc = any(np.hypot(pcx - l["cx"], pcy - l["cy"]) <= l["r"] for l in lesions)
            agree += (row["label"] == "lesion") == in_disc
            mads.append(np.abs(p.astype(np.float64) - rgb[y:y + s, x:x + s]).mean())
            regions[row["region"]] = regions.get(row["region"], 0) + 1
        patches = {
            "count": len(rows),
            "lesion_labels": sum(r["label"] == "lesion" for r in rows),
            "tissue_labels": sum(r["label"] == "tissue" for r in rows),
            "regions": regions,
            "label_agree": agree,
            "size_ok": size_ok,
            "size": int(s) if rows else 0,
            "mean_abs_diff": float(np.mean(mads)) if mads else 0.0,
            "max_mean_abs_diff": float(np.max(mads)) if mads else 0.0,
        }

    print(json.dumps(clean({
        "width": w, "height": h, "pages": pages, "mpp_x": mpp_x, "mpp_y": mpp_y,
        "glass_rgb": glass_rgb, "tissue_fraction": tissue_fraction,
        "lesions": lesions, "boxes_inside": inside, "boxes_disjoint": disjoint,
        "classes": sorted({c for _, c, _ in boxes}), "images": sorted({i for i, _, _ in boxes}),
        "patches": patches,
    })))


if __name__ == "__main__":
    main()
