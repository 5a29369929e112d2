#!/usr/bin/python3
"""Independent check of a phantom data set written by `medcnn phantom`.

Reads manifest.csv, the images and masks (PIL for PNG, nibabel for NIfTI),
labels connected lesion components with scipy.ndimage and measures them with
scikit-image. Prints JSON: per lesion the component's bounding box (in the
manifest's box convention: x/y/z order, lo inclusive, hi exclusive), its
class, solidity (2-D), mean intensity inside and in a ring around it.
"""
import csv
import json
import os
import sys

import numpy as np
from scipy import ndimage


def load(path):
    if path.endswith(".png"):
        from PIL import Image
        return np.asarray(Image.open(path)).astype(np.float64)
    import nibabel as nib
    # nibabel gives [x, y, z]; reverse to tensor order [z, y, x].
    return np.asarray(nib.load(path).dataobj).astype(np.float64).transpose(2, 1, 0)


def main(root):
    out = {"cases": []}
    with open(os.path.join(root, "manifest.csv")) as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        img = load(os.path.join(root, row["image"]))
        if img.ndim == 2 and img.max() > 1.5:
            img = img / 255.0
        mask = load(os.path.join(root, row["mask"])).astype(np.int64)
        lab, n = ndimage.label(mask > 0, structure=np.ones((3,) * mask.ndim))
        lesions = []
        for k, sl in enumerate(ndimage.find_objects(lab), start=1):
            comp = lab == k
            cls = int(np.bincount(mask[comp]).argmax())
            box = [[s.start for s in reversed(sl)], [s.stop for s in reversed(sl)]]
            ring = ndimage.binary_dilation(comp, iterations=3) & ~ndimage.binary_dilation(comp, iterations=1) & (mask == 0)
            entry = {"class": cls, "lo": box[0], "hi": box[1], "pixels": int(comp.sum()),
                     "mean_inside": float(img[comp].mean()),
                     "mean_ring": float(img[ring].mean()) if ring.any() else None}
            if img.ndim == 2:
                from skimage.measure import regionprops
                entry["solidity"] = float(regionprops(comp.astype(np.uint8))[0].solidity)
            lesions.append(entry)
        boxes = []
        for part in row["boxes"].split(";"):
            part = part.strip()
            if part:
                t = part.split()
                boxes.append({"class": t[0], "coords": [float(v) for v in t[1:]]})
        out["cases"].append({"id": row["id"], "label": int(row["label"]), "lesions": lesions,
                             "manifest_boxes": boxes, "shape": list(img.shape)})
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
