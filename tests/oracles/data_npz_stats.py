#!/usr/bin/env python3
"""Oracle: shape, label counts and pixel checksums of one split of a MedMNIST npz.

usage: data_npz_stats.py NPZ SPLIT
Prints {"shape": [...], "n": N, "label_counts": {"0": c0, ...},
        "pixel_sum": total, "image_sums": [sum of image i for i in 0, 1, 2, N-1],
        "pixel_probe": value at [0, ..., middle of every axis]}.
"""
import json
import sys

import numpy as np

d = np.load(sys.argv[1])
split = sys.argv[2]
x = d[split + "_images"]
y = d[split + "_labels"].reshape(-1)
values, counts = np.unique(y, return_counts=True)
n = x.shape[0]
idx = [0, 1, 2, n - 1]
mid = tuple(s // 2 for s in x.shape[1:])
print(json.dumps({
    "shape": list(x.shape),
    "n": int(n),
    "label_counts": {str(int(v)): int(c) for v, c in zip(values, counts)},
    "pixel_sum": int(x.astype(np.int64).sum()),
    "image_sums": [int(x[i].astype(np.int64).sum()) for i in idx],
    "image_sum_index": idx,
    "pixel_probe": int(x[(0,) + mid]),
    "probe_index": list(mid),
}))
