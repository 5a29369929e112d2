#!/usr/bin/env python3
"""Oracle: compares two medcnn predictions CSVs of the same cases (id, label,
predicted, p_<class>...), e.g. a float and an int8 model, with scikit-learn
and numpy.

usage: predictions_compare.py A.csv B.csv
Prints {"n", "auc_a", "auc_b" (binary: p of the 2nd class; k>2: macro
        one-vs-rest), "max_abs_diff" (largest |p_a - p_b| over cases and
        classes), "mean_abs_diff", "agreement" (share of cases whose
        predicted class is the same)}.
"""
import csv
import json
import sys

import numpy as np
from sklearn.metrics import roc_auc_score


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    k = sum(1 for h in header[3:] if h.startswith("p_"))
    classes = [h[2:] for h in header[3:3 + k]]
    ids = [r[0] for r in rows]
    y = np.array([classes.index(r[1]) for r in rows])
    pred = [r[2] for r in rows]
    p = np.array([[float(v) for v in r[3:3 + k]] for r in rows])
    return ids, y, pred, p


def auc(y, p):
    if p.shape[1] == 2:
        return float(roc_auc_score(y, p[:, 1]))
    return float(roc_auc_score(y, p, multi_class="ovr", average="macro"))


ids_a, y_a, pred_a, p_a = read(sys.argv[1])
ids_b, y_b, pred_b, p_b = read(sys.argv[2])
if ids_a != ids_b or not np.array_equal(y_a, y_b):
    sys.exit("the two files do not hold the same cases in the same order")
print(json.dumps({
    "n": len(ids_a),
    "auc_a": auc(y_a, p_a),
    "auc_b": auc(y_b, p_b),
    "max_abs_diff": float(np.abs(p_a - p_b).max()),
    "mean_abs_diff": float(np.abs(p_a - p_b).mean()),
    "agreement": float(np.mean([a == b for a, b in zip(pred_a, pred_b)])),
}))
