#!/usr/bin/env python3
"""Oracle: the localization loss and the BCCD single-object count, written
independently (PyTorch for the loss, ElementTree for the VOC files).

usage: localization_torch.py loss CASE.json
  CASE: {"output": [[...]], "labels": [...], "boxes": [[x0, y0, x1, y1]], "size": [H, W],
         "k": K, "box_weight": a, "giou_weight": b}
  Prints {"loss": value}: b * mean(1 - GIoU) + a * mean(sum smooth_l1(beta=1/9)) + CE (K >= 2),
  on boxes parameterised as (cx/W, cy/H, w/W, h/H), predictions through a sigmoid.
usage: localization_torch.py bccd ROOT CLASS SPLIT
  Prints {"kept": n, "total": m}: images of the split with exactly one box of CLASS.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

import torch
import torch.nn.functional as F


def giou(p, t):
    def corners(b):
        return torch.stack([b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2,
                            b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2], 1)
    a, b = corners(p), corners(t)
    iw = (torch.min(a[:, 2], b[:, 2]) - torch.max(a[:, 0], b[:, 0])).clamp(min=0)
    ih = (torch.min(a[:, 3], b[:, 3]) - torch.max(a[:, 1], b[:, 1])).clamp(min=0)
    inter = iw * ih
    area_a = (a[:, 2] - a[:, 0]).clamp(min=0) * (a[:, 3] - a[:, 1]).clamp(min=0)
    area_b = (b[:, 2] - b[:, 0]).clamp(min=0) * (b[:, 3] - b[:, 1]).clamp(min=0)
    union = area_a + area_b - inter
    hw = torch.max(a[:, 2], b[:, 2]) - torch.min(a[:, 0], b[:, 0])
    hh = torch.max(a[:, 3], b[:, 3]) - torch.min(a[:, 1], b[:, 1])
    hull = hw * hh
    return inter / union - (hull - union) / hull


def loss(case):
    out = torch.tensor(case["output"], dtype=torch.float64)
    k = case["k"]
    h, w = case["size"]
    t = torch.tensor([[(x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h]
                      for x0, y0, x1, y1 in case["boxes"]], dtype=torch.float64)
    p = torch.sigmoid(out[:, k:k + 4])
    value = case["box_weight"] * F.smooth_l1_loss(p, t, reduction="none", beta=1 / 9).sum(1).mean()
    value = value + case["giou_weight"] * (1 - giou(p, t)).mean()
    if k >= 2:
        value = value + F.cross_entropy(out[:, :k], torch.tensor(case["labels"]))
    return {"loss": float(value)}


def bccd(root, cls, split):
    ids = open(os.path.join(root, "ImageSets", "Main", split + ".txt")).read().split()
    kept = 0
    for i in ids:
        tree = ET.parse(os.path.join(root, "Annotations", i + ".xml"))
        n = sum(1 for o in tree.findall("object") if o.findtext("name").strip() == cls)
        kept += n == 1
    return {"kept": kept, "total": len(ids)}


if __name__ == "__main__":
    if sys.argv[1] == "loss":
        print(json.dumps(loss(json.load(open(sys.argv[2])))))
    else:
        print(json.dumps(bccd(*sys.argv[2:5])))
