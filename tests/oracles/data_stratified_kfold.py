#!/usr/bin/env python3
"""Oracle: per-fold validation class counts of scikit-learn's StratifiedKFold.

usage: data_stratified_kfold.py LABELS_FILE K SEED
LABELS_FILE holds integer labels separated by commas or whitespace.
Prints {"folds": [{"<label>": count, ...}, ...], "fold_sizes": [...]}.
"""
import json
import sys

import numpy as np
from sklearn.model_selection import StratifiedKFold

labels = np.array([int(t) for t in open(sys.argv[1]).read().replace(",", " ").split()])
k, seed = int(sys.argv[2]), int(sys.argv[3])
skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
folds, sizes = [], []
for _, val in skf.split(np.zeros(len(labels)), labels):
    values, counts = np.unique(labels[val], return_counts=True)
    folds.append({str(int(v)): int(c) for v, c in zip(values, counts)})
    sizes.append(int(len(val)))
print(json.dumps({"folds": folds, "fold_sizes": sizes}))
