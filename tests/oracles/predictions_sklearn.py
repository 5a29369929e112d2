#!/usr/bin/env python3
"""Oracle: scores a medcnn predictions CSV (id,label,predicted,p_<class>...,
[entropy, mutual_information, variance]) with scikit-learn, scipy and numpy.

usage: predictions_sklearn.py PREDICTIONS.csv
Prints {"n", "classes", "auc" (binary: p of the 2nd class; k>2: macro one-vs-rest),
        "accuracy" (of the predicted column), "confusion_matrix", "mean_probabilities",
        "entropy_error" (max |CSV entropy - scipy.stats.entropy(p)|, null without the column),
        "refer10_least_confidence" (accuracy of the predicted column on the
        ceil(0.9 n) cases of smallest 1 - max p, stable order),
        "ece15" (top-label expected calibration error, 15 bins (lo, hi])}.
"""
import csv
import json
import sys

import numpy as np
import scipy.stats
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score

with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
k = sum(1 for h in header[3:] if h.startswith("p_"))
classes = [h[2:] for h in header[3:3 + k]]
y = np.array([classes.index(r[1]) for r in rows])
pred = np.array([classes.index(r[2]) for r in rows])
p = np.array([[float(v) for v in r[3:3 + k]] for r in rows])
entropy_error = None
if "entropy" in header:
    col = header.index("entropy")
    entropy_error = float(np.max(np.abs(np.array([float(r[col]) for r in rows]) -
                                        scipy.stats.entropy(p, axis=1))))
correct = (pred == y).astype(float)
order = np.argsort(1 - p.max(axis=1), kind="stable")
keep = int(np.ceil(0.9 * len(rows) - 1e-9))
refer10 = float(correct[order[:keep]].mean())
conf = p.max(axis=1)
hit = (p.argmax(axis=1) == y).astype(float)
ece = 0.0
for b in range(15):
    lo, hi = b / 15, (b + 1) / 15
    sel = (conf > lo) & (conf <= hi) if b > 0 else (conf <= hi)
    if sel.any():
        ece += sel.mean() * abs(hit[sel].mean() - conf[sel].mean())
if len(classes) == 2:
    auc = roc_auc_score(y, p[:, 1])
else:
    auc = roc_auc_score(y, p, multi_class="ovr", average="macro")
print(json.dumps({
    "n": len(rows), "classes": classes, "auc": float(auc),
    "accuracy": float(accuracy_score(y, pred)),
    "confusion_matrix": confusion_matrix(y, pred, labels=list(range(len(classes)))).tolist(),
    "mean_probabilities": p.mean(axis=0).tolist(),
    "entropy_error": entropy_error, "refer10_least_confidence": refer10, "ece15": float(ece),
}))
