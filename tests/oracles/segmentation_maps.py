#!/usr/bin/env python3
"""Oracle: Dice of written label maps against reference masks, read with PIL/numpy.

usage: segmentation_maps.py PAIRS.json
PAIRS: [{"pred": path, "ref": path, "prob": path or null}, ...]; the reference's
foreground is mask > 0 (every lesion class), the prediction's label > 0.
Prints {"cases": [{"dice": d, "shape": [h, w], "pred_shape": [h, w],
"prob_range": [min, max] or null, "components": 4-connected foreground components of
the prediction}], "mean_dice": m}.
"""
import json
import sys

import numpy as np
from PIL import Image
from scipy import ndimage

pairs = json.load(open(sys.argv[1]))
cases = []
for p in pairs:
    pred = np.array(Image.open(p["pred"])) > 0
    ref = np.array(Image.open(p["ref"])) > 0
    inter = np.logical_and(pred, ref).sum()
    denom = pred.sum() + ref.sum()
    dice = 1.0 if denom == 0 else 2.0 * inter / denom
    rng = None
    if p.get("prob"):
        prob = np.array(Image.open(p["prob"]), dtype=np.float64)
        rng = [float(prob.min()), float(prob.max())]
    components = int(ndimage.label(pred, ndimage.generate_binary_structure(2, 1))[1])
    cases.append({"dice": float(dice), "shape": list(ref.shape), "pred_shape": list(pred.shape),
                  "prob_range": rng, "components": components})
print(json.dumps({"cases": cases, "mean_dice": float(np.mean([c["dice"] for c in cases]))}))
