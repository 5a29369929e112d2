#!/usr/bin/python3
"""Oracle: a predicted NIfTI label map against its input volume and reference, with nibabel.

usage: nifti_label_fit.py PRED.nii.gz INPUT.nii.gz REF.nii.gz NUM_CLASSES
Prints {"same_shape": bool, "same_affine": bool (within 1e-3 mm), "shape": [x, y, z],
"zooms": [...], "dice": [per class 0..K-1, null when both are empty],
"mean_dice": mean over the classes present in the reference}.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import clean  # noqa: E402

pred_img, in_img, ref_img = (nib.load(p) for p in sys.argv[1:4])
k = int(sys.argv[4])
pred = np.asanyarray(pred_img.dataobj).astype(np.int64)
ref = np.asanyarray(ref_img.dataobj).astype(np.int64)
dice = []
for c in range(k):
    p, r = pred == c, ref == c
    denom = p.sum() + r.sum()
    dice.append(None if denom == 0 else 2.0 * np.logical_and(p, r).sum() / denom)
present = [d for c, d in enumerate(dice) if (ref == c).any()]
print(json.dumps(clean({
    "same_shape": pred.shape == np.asanyarray(in_img.dataobj).shape,
    "same_affine": bool(np.allclose(pred_img.affine, in_img.affine, atol=1e-3)),
    "shape": list(pred.shape),
    "zooms": [float(z) for z in pred_img.header.get_zooms()[:3]],
    "dice": dice,
    "mean_dice": float(np.mean(present)),
})))
