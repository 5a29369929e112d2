#!/usr/bin/env python3
"""Oracle: connected components and the adapted Rand error with scikit-image.

usage: rand_skimage.py INPUT.json
INPUT: {"cases": [{"shape": [..], "pred": [int], "ref": [int], "class": c}]} (flat, C order).
Prints {"cases": [{"pred_components": [int] (skimage.measure.label(pred == c,
connectivity=1), flat), "n_pred": n, "n_ref": n, "rand_error": are or null}]} where
are = skimage.metrics.adapted_rand_error(label(ref == c), label(pred == c))[0]
(true label 0 ignored), null when it is NaN.
"""
import json
import math
import sys
import warnings

import numpy as np
from skimage.measure import label
from skimage.metrics import adapted_rand_error

spec = json.load(open(sys.argv[1]))
out = []
for c in spec["cases"]:
    shape = tuple(c["shape"])
    pred = np.array(c["pred"]).reshape(shape) == c["class"]
    ref = np.array(c["ref"]).reshape(shape) == c["class"]
    lp, n_pred = label(pred, connectivity=1, return_num=True)
    lr, n_ref = label(ref, connectivity=1, return_num=True)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        are = float(adapted_rand_error(lr, lp)[0])
    out.append({"pred_components": lp.ravel().tolist(), "n_pred": int(n_pred),
                "n_ref": int(n_ref), "rand_error": None if math.isnan(are) else are})
print(json.dumps({"cases": out}))
