#!/usr/bin/env python3
"""Oracle: scores a medcnn predictions CSV (id,label,predicted,p_<class>...) with scikit-learn.

usage: predictions_sklearn.py PREDICTIONS.csv
Prints {"n", "classes", "auc" (binary: p of the 2nd class; k>2: macro one-vs-rest),
        "accuracy" (of the predicted column), "confusion_matrix", "mean_probabilities"}.
"""
import csv
import json
import sys

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score

with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))
header, rows = rows[0], rows[1:]
classes = [h[2:] for h in header[3:]]
y = np.array([classes.index(r[1]) for r in rows])
pred = np.array([classes.index(r[2]) for r in rows])
p = np.array([[float(v) for v in r[3:]] for r in rows])
if len(classes) == 2:
    auc = roc_auc_score(y, p[:, 1])
else:
    auc = roc_auc_score(y, p, multi_class="ovr", average="macro")
print(json.dumps({
    "n": len(rows), "classes": classes, "auc": float(auc),
    "accuracy": float(accuracy_score(y, pred)),
    "confusion_matrix": confusion_matrix(y, pred, labels=list(range(len(classes)))).tolist(),
    "mean_probabilities": p.mean(axis=0).tolist(),
}))
