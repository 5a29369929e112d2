#!/usr/bin/python3
"""Oracle: scores `medcnn predict`'s detection boxes against a manifest's
inline boxes with detection_numpy.py (a pycocotools/CAMELYON16
re-implementation written independently of medcnn).

usage: detection_boxes.py PREDICTIONS.csv MANIFEST.csv CLASS [CLASS...]
       detection_boxes.py explained EXPLANATIONS.csv MANIFEST.csv
  the second form reads `medcnn explain`'s table for a detector (one row per
  explained box, its map a PNG) and prints {"n", "ratios"}: per row, the
  map's share of mass inside the reference box that best overlaps the
  explained box, divided by that box's share of the image area (1 = chance).
  PREDICTIONS.csv: image,class,xmin,ymin,xmax,ymax,score (an image without
  boxes has an empty row); MANIFEST.csv: id,...,boxes ("class x0 y0 x1 y1;
  ..."). Classes are indexed in the order given.
Prints {"n", "n_boxes", "map50", "map50_95", "froc", "coco_predictions",
"tp03", "fp03", "missed03"} where the *03 counts take the boxes with score
>= 0.3 and match each, by descending score, to the unmatched reference box
of its class with the highest IoU >= 0.5. When the CSV has uncertainty
columns (predict with --tta / --mc-samples / an ensemble) it also prints
"precision03" (tp03 / boxes kept), "refer10" {column: the precision of the
ceil(0.9 n) kept boxes of lowest value, stable in file order} and
"entropy_error" (max |entropy - scipy.stats.entropy([score, 1 - score])|).
"""
import csv
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import detection_numpy as dn  # noqa: E402


def box(cls, x0, y0, x1, y1, score=1.0):
    return {"lo": [x0, y0], "hi": [x1, y1], "label": cls, "score": score}


def iou(a, b):
    iw = max(0.0, min(a["hi"][0], b["hi"][0]) - max(a["lo"][0], b["lo"][0]))
    ih = max(0.0, min(a["hi"][1], b["hi"][1]) - max(a["lo"][1], b["lo"][1]))
    inter = iw * ih
    area = lambda q: (q["hi"][0] - q["lo"][0]) * (q["hi"][1] - q["lo"][1])
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def explained(table, manifest):
    from PIL import Image
    truth = {}
    for r in csv.DictReader(open(manifest)):
        truth[r["id"]] = [list(map(float, p.split()[1:5]))
                          for p in r["boxes"].split(";") if p.strip()]
    ratios = []
    for r in csv.DictReader(open(table)):
        b = list(map(float, r["box"].split()))
        q = {"lo": b[:2], "hi": b[2:]}
        ref = max(truth[r["id"]], key=lambda t: iou(q, {"lo": t[:2], "hi": t[2:]}))
        m = np.asarray(Image.open(r["map"]), dtype=float)
        x0, y0, x1, y1 = (int(round(v)) for v in ref)
        share = m[y0:y1, x0:x1].sum() / max(m.sum(), 1e-12)
        ratios.append(share / ((x1 - x0) * (y1 - y0) / m.size))
    print(json.dumps({"n": len(ratios), "ratios": ratios}))


UNCERTAINTY = {"entropy", "mutual_information", "variance", "disagreement", "box_sd"}


def main():
    if sys.argv[1] == "explained":
        return explained(sys.argv[2], sys.argv[3])
    pred_csv, manifest, classes = sys.argv[1], sys.argv[2], sys.argv[3:]
    index = {c: i for i, c in enumerate(classes)}
    truth, order = {}, []
    for r in csv.DictReader(open(manifest)):
        order.append(r["id"])
        boxes = []
        for part in filter(None, (p.strip() for p in r["boxes"].split(";"))):
            f = part.split()
            if f[0] in index:
                boxes.append(box(index[f[0]], *map(float, f[1:5])))
        truth[r["id"]] = boxes
    pred = {k: [] for k in order}
    n_boxes = 0
    for r in csv.DictReader(open(pred_csv)):
        if not r["class"]:
            continue
        b = box(index[r["class"]], *(float(r[k]) for k in ("xmin", "ymin", "xmax", "ymax")),
                float(r["score"]))
        b["extra"] = {k: float(v) for k, v in r.items() if k in UNCERTAINTY}
        pred[r["image"]].append(b)
        n_boxes += 1
    P = [pred[k] for k in order]
    T = [truth[k] for k in order]
    det = dn.evaluate_detection({"num_classes": len(classes), "max_detections": 100,
                                 "predictions": P, "ground_truth": T})
    fr = dn.froc({"predictions": P, "ground_truth": T}, "iou")
    tp = fp = missed = 0
    flags = []  # (hit, box) of every kept box, images in order, by descending score
    for p, t in zip(P, T):
        used = [False] * len(t)
        kept = sorted([b for b in p if b["score"] >= 0.3], key=lambda b: -b["score"])
        hit = 0
        for b in kept:
            best, best_iou = -1, 0.5
            for j, g in enumerate(t):
                v = iou(b, g)
                if not used[j] and g["label"] == b["label"] and v >= best_iou:
                    best, best_iou = j, v
            if best >= 0:
                used[best] = True
                hit += 1
            flags.append((best >= 0, b))
        tp += hit
        fp += len(kept) - hit
        missed += len(t) - hit
    coco = json.load(open(os.path.splitext(pred_csv)[0] + ".json"))
    out = {"n": len(order), "n_boxes": n_boxes, "map50": det["map50"],
           "map50_95": det["map50_95"], "froc": fr["mean_sensitivity"],
           "coco_predictions": len(coco), "tp03": tp, "fp03": fp, "missed03": missed}
    columns = sorted({k for _, b in flags for k in b["extra"]})
    if columns and flags:
        import scipy.stats
        hits = np.array([h for h, _ in flags], dtype=float)
        keep = int(np.ceil(0.9 * len(flags) - 1e-9))
        out["precision03"] = float(hits.mean())
        out["refer10"] = {}
        for c in columns + ["least_confidence"]:
            u = np.array([(1 - b["score"]) if c == "least_confidence" else b["extra"][c]
                          for _, b in flags])
            out["refer10"][c] = float(hits[np.argsort(u, kind="stable")[:keep]].mean())
        s = np.array([b["score"] for _, b in flags])
        h = scipy.stats.entropy(np.stack([s, 1 - s]), axis=0)
        out["entropy_error"] = float(np.max(np.abs(h - [b["extra"]["entropy"] for _, b in flags])))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
