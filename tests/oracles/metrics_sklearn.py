#!/usr/bin/env python3
"""Oracle: scikit-learn's classification metrics (and a numpy percentile bootstrap).

usage: metrics_sklearn.py INPUT.json
INPUT holds {"y_true": [int], "probs": [[float]*k], "threshold": t or null,
             "sensitivity_target": s (optional), "bootstrap": {"n": B, "seed": S} (optional)}.
Decisions: k == 2 with a threshold: class 1 when probs[:,1] >= t; otherwise argmax.
Prints one JSON object (NaN written as null): the decisions, confusion matrix,
accuracy, balanced accuracy, per-class and macro recall/precision/F1 (zero_division=0),
per-class specificity/NPV, Cohen's kappa (labels=range(k)), one-vs-rest ROC/PR curves,
AUCs and APs, binary operating points and, if asked, bootstrap intervals of accuracy and AUC.
"""
import json
import math
import sys
import warnings

import numpy as np
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from oracle_common import clean

warnings.simplefilter("ignore")


spec = json.load(open(sys.argv[1]))
y = np.asarray(spec["y_true"], dtype=int)
P = np.asarray(spec["probs"], dtype=float)
n, k = P.shape
thr = spec.get("threshold")
if k == 2 and thr is not None:
    pred = (P[:, 1] >= thr).astype(int)
else:
    pred = np.argmax(P, axis=1)
labels = list(range(k))
out = {"k": k, "y_pred": pred}
out["confusion_matrix"] = skm.confusion_matrix(y, pred, labels=labels)
out["accuracy"] = skm.accuracy_score(y, pred)
out["balanced_accuracy"] = skm.balanced_accuracy_score(y, pred)
for name, fn in (("recall", skm.recall_score), ("precision", skm.precision_score),
                 ("f1", skm.f1_score)):
    out[name + "_per_class"] = fn(y, pred, labels=labels, average=None, zero_division=0)
    out[name + "_macro"] = fn(y, pred, average="macro", zero_division=0)
spec_pc, npv_pc = [], []
for c in labels:
    yc, pc = (y == c), (pred == c)
    spec_pc.append(skm.recall_score(yc, pc, pos_label=False, zero_division=0))
    npv_pc.append(skm.precision_score(yc, pc, pos_label=False, zero_division=0))
out["specificity_per_class"] = spec_pc
out["npv_per_class"] = npv_pc
present = sorted(set(y.tolist()) | set(pred.tolist()))
out["specificity_macro"] = float(np.mean([spec_pc[c] for c in present]))
out["npv_macro"] = float(np.mean([npv_pc[c] for c in present]))
for key, w in (("kappa", None), ("kappa_linear", "linear"), ("kappa_quadratic", "quadratic")):
    out[key] = skm.cohen_kappa_score(y, pred, labels=labels, weights=w)

ovr = []
for c in labels:
    yc, s = (y == c).astype(int), P[:, c]
    e = {}
    fpr, tpr, th = skm.roc_curve(yc, s)
    e["roc"] = {"fpr": fpr, "tpr": tpr, "thresholds": th}
    fpr, tpr, th = skm.roc_curve(yc, s, drop_intermediate=False)
    e["roc_full"] = {"fpr": fpr, "tpr": tpr, "thresholds": th}
    pr, rc, th = skm.precision_recall_curve(yc, s)
    e["pr"] = {"precision": pr, "recall": rc, "thresholds": th}
    both = 0 < yc.sum() < n
    e["auc"] = skm.roc_auc_score(yc, s) if both else None
    e["ap"] = skm.average_precision_score(yc, s) if yc.sum() > 0 else None
    ovr.append(e)
out["ovr"] = ovr

if k == 2:
    s = P[:, 1]
    out["sensitivity"] = skm.recall_score(y, pred, zero_division=0)
    out["specificity"] = skm.recall_score(y, pred, pos_label=0, zero_division=0)
    out["precision"] = skm.precision_score(y, pred, zero_division=0)
    out["npv"] = skm.precision_score(y, pred, pos_label=0, zero_division=0)
    out["f1"] = skm.f1_score(y, pred, zero_division=0)
    tn, fp = out["confusion_matrix"][0]
    out["fpr"] = fp / (fp + tn) if fp + tn > 0 else 0.0
    if 0 < y.sum() < n:
        out["roc_auc"] = skm.roc_auc_score(y, s)
        fpr, tpr, th = skm.roc_curve(y, s)
        out["youden_threshold"] = th[np.argmax(tpr - fpr)]
    if y.sum() > 0:
        out["average_precision"] = skm.average_precision_score(y, s)
        target = spec.get("sensitivity_target")
        if target is not None:
            fpr, tpr, th = skm.roc_curve(y, s, drop_intermediate=False)
            out["sensitivity_threshold"] = th[np.argmax(tpr >= target)]
else:
    try:
        out["roc_auc_ovr_macro"] = skm.roc_auc_score(y, P, multi_class="ovr", average="macro")
    except ValueError:
        out["roc_auc_ovr_macro"] = None
    if all((y == c).any() for c in labels):
        out["average_precision_macro"] = skm.average_precision_score(
            label_binarize(y, classes=labels), P, average="macro")

boot = spec.get("bootstrap")
if boot:
    rng = np.random.default_rng(boot["seed"])
    acc, auc = [], []
    for _ in range(boot["n"]):
        idx = rng.integers(0, n, n)
        acc.append(np.mean(y[idx] == pred[idx]))
        if k == 2 and 0 < y[idx].sum() < n:
            auc.append(skm.roc_auc_score(y[idx], P[idx, 1]))
    out["bootstrap"] = {"accuracy": np.percentile(acc, [2.5, 97.5]),
                        "auc": np.percentile(auc, [2.5, 97.5]) if auc else None}

print(json.dumps(clean(out)))
