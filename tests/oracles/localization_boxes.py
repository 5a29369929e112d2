#!/usr/bin/env python3
"""Oracle: IoU and centroid error of predicted boxes (medcnn predict's CSV:
image,class,xmin,ymin,xmax,ymax,score) against a manifest's inline boxes
("class x0 y0 x1 y1"), one object per image, computed here with plain Python.

usage: localization_boxes.py PREDICTIONS.csv MANIFEST.csv
Prints {"n", "mean_iou", "accuracy" (IoU >= 0.5), "mean_centroid_error_px",
"coco_predictions" (entries in the COCO JSON beside the CSV)}.
"""
import csv
import json
import os
import sys


def iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


pred = {r["image"]: [float(r[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
        for r in csv.DictReader(open(sys.argv[1]))}
truth = {}
for r in csv.DictReader(open(sys.argv[2])):
    parts = r["boxes"].split()
    truth[r["id"]] = [float(v) for v in parts[1:5]]
ious, errs = [], []
for k, p in pred.items():
    t = truth[k]
    ious.append(iou(p, t))
    errs.append((((p[0] + p[2]) - (t[0] + t[2])) ** 2 / 4 + ((p[1] + p[3]) - (t[1] + t[3])) ** 2 / 4) ** 0.5)
coco = json.load(open(os.path.splitext(sys.argv[1])[0] + ".json"))
print(json.dumps({"n": len(ious), "mean_iou": sum(ious) / len(ious),
                  "accuracy": sum(1 for v in ious if v >= 0.5) / len(ious),
                  "mean_centroid_error_px": sum(errs) / len(errs),
                  "coco_predictions": len(coco)}))
