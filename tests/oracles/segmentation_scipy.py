#!/usr/bin/env python3
"""Oracle: segmentation metrics computed independently with numpy, scipy.ndimage and sklearn.

usage: segmentation_scipy.py INPUT.json
INPUT holds {"labels": [case...], "masks": [case...]}:
  labels case: {"shape": [..], "spacing": [..], "num_classes": k, "ignore_label": l,
                "include_background": bool, "pred": [int], "ref": [int], "prob": [float] (optional)}
               (flat arrays in C order)
  masks case: {"shape": [..], "spacing": [..], "pred": [0/1], "ref": [0/1], "roi": [0/1] (optional)}
Prints one JSON object (NaN written as null):
  {"labels": [{"per_class": [{"class": c, "dice": .., "iou": .., "sensitivity": ..,
               "specificity": .., "precision": .., "accuracy": .., "hausdorff": ..,
               "hausdorff95": .., "assd": .., "masd": .., "rand_error": ..,
               "counts": {tp, fp, fn, tn}}],
               "auc": ..}],
   "summary": {"per_class": [{"class": c, "<metric>": {"mean", "sd", "n", "n_undefined"},
                              "counts": {..}, "global": {..}}], "auc": {..}},
   "masks": [{"hausdorff": .., "hausdorff95": .., "assd": .., "masd": ..,
              "edt_ref_surface": [distance of every voxel to the ref surface]}]}
Surfaces: mask XOR binary_erosion(mask, cross structuring element, border_value=0).
Distances: distance_transform_edt(~surface, sampling=spacing). Percentile: numpy default
(linear). AUC: sklearn.metrics.roc_auc_score over voxels with ref != ignore_label.
Empty-mask conventions: dice = iou = 1 when pred and ref are both empty, distances 0 when
both are empty and NaN when exactly one is; ratios with a zero denominator are NaN.
rand_error: skimage.metrics.adapted_rand_error(label(ref == c), label(pred == c)) with
skimage.measure.label(connectivity=1), both restricted to voxels not ignored.
"""
import json
import math
import sys
import warnings

import numpy as np
from skimage.measure import label
from skimage.metrics import adapted_rand_error
from scipy import ndimage
from sklearn.metrics import roc_auc_score

from oracle_common import clean

warnings.simplefilter("ignore")

NAN = float("nan")
OVERLAP = ("dice", "iou", "sensitivity", "specificity", "precision", "accuracy")
SURFACE = ("hausdorff", "hausdorff95", "assd", "masd")
OBJECTS = ("rand_error",)


def ratio(a, b):
    return float(a) / float(b) if b else NAN


def overlap(tp, fp, fn, tn):
    both_empty = tp + fp + fn == 0
    return {
        "dice": 1.0 if both_empty else 2.0 * tp / (2 * tp + fp + fn),
        "iou": 1.0 if both_empty else float(tp) / (tp + fp + fn),
        "sensitivity": ratio(tp, tp + fn),
        "specificity": ratio(tn, tn + fp),
        "precision": ratio(tp, tp + fp),
        "accuracy": ratio(tp + tn, tp + fp + fn + tn),
    }


def surface(mask):
    cross = ndimage.generate_binary_structure(mask.ndim, 1)
    return mask & ~ndimage.binary_erosion(mask, structure=cross, border_value=0)


def surface_metrics(pred, ref, spacing):
    if not pred.any() and not ref.any():
        return {k: 0.0 for k in SURFACE}
    if not pred.any() or not ref.any():
        return {k: NAN for k in SURFACE}
    sp, sr = surface(pred), surface(ref)
    d_pr = ndimage.distance_transform_edt(~sr, sampling=spacing)[sp]
    d_rp = ndimage.distance_transform_edt(~sp, sampling=spacing)[sr]
    return {
        "hausdorff": max(d_pr.max(), d_rp.max()),
        "hausdorff95": max(np.percentile(d_pr, 95), np.percentile(d_rp, 95)),
        "assd": np.concatenate([d_pr, d_rp]).mean(),
        "masd": (d_pr.mean() + d_rp.mean()) / 2.0,
    }


def labels_case(c):
    shape = tuple(c["shape"])
    spacing = c["spacing"] or None  # [] = 1 on every axis
    pred = np.asarray(c["pred"], dtype=np.int64).reshape(shape)
    ref = np.asarray(c["ref"], dtype=np.int64).reshape(shape)
    valid = ref != c["ignore_label"]
    k = c["num_classes"]
    out = {"per_class": []}
    for cls in range(0 if c["include_background"] else 1, k):
        p = (pred == cls) & valid
        r = (ref == cls) & valid
        tp = int(np.sum(p & r))
        fp = int(np.sum(p & ~r))
        fn = int(np.sum(~p & r))
        tn = int(np.sum(valid & ~p & ~r))
        e = {"class": cls, "counts": {"tp": tp, "fp": fp, "fn": fn, "tn": tn}}
        e.update(overlap(tp, fp, fn, tn))
        e.update(surface_metrics(p, r, spacing))
        # foreground-restricted adapted Rand error of the face-connected objects
        are = adapted_rand_error(label(r, connectivity=1), label(p, connectivity=1))[0]
        e["rand_error"] = float(are)
        out["per_class"].append(e)
    if k == 2 and "prob" in c:
        prob = np.asarray(c["prob"], dtype=np.float64).reshape(shape)
        y = (ref[valid] == 1).astype(int)
        out["auc"] = roc_auc_score(y, prob[valid]) if 0 < y.sum() < y.size else NAN
    return out


def describe(values):
    v = np.asarray([x for x in values if not math.isnan(x)], dtype=np.float64)
    return {"mean": v.mean() if v.size else NAN, "sd": v.std(ddof=1) if v.size > 1 else NAN,
            "n": int(v.size), "n_undefined": len(values) - int(v.size)}


def summary(results):
    classes = sorted({e["class"] for r in results for e in r["per_class"]})
    out = {"per_class": []}
    for cls in classes:
        entries = [e for r in results for e in r["per_class"] if e["class"] == cls]
        s = {"class": cls}
        for m in OVERLAP + SURFACE + OBJECTS:
            s[m] = describe([e[m] for e in entries])
        tot = {key: sum(e["counts"][key] for e in entries) for key in ("tp", "fp", "fn", "tn")}
        s["counts"] = tot
        s["global"] = overlap(tot["tp"], tot["fp"], tot["fn"], tot["tn"])
        out["per_class"].append(s)
    aucs = [r["auc"] for r in results if "auc" in r]
    if aucs:
        out["auc"] = describe(aucs)
    return out


def masks_case(c):
    shape = tuple(c["shape"])
    pred = np.asarray(c["pred"]).reshape(shape) != 0
    ref = np.asarray(c["ref"]).reshape(shape) != 0
    if "roi" in c:
        roi = np.asarray(c["roi"]).reshape(shape) != 0
        pred &= roi
        ref &= roi
    spacing = c["spacing"] or None  # [] = 1 on every axis
    out = surface_metrics(pred, ref, spacing)
    if ref.any():
        out["edt_ref_surface"] = ndimage.distance_transform_edt(
            ~surface(ref), sampling=spacing).ravel()
    return out


spec = json.load(open(sys.argv[1]))
labels = [labels_case(c) for c in spec.get("labels", [])]
result = {"labels": labels, "masks": [masks_case(c) for c in spec.get("masks", [])]}
if labels:
    result["summary"] = summary(labels)
json.dump(clean(result), sys.stdout)
