#!/usr/bin/env python3
"""Oracle: label-map post-processing with scipy.ndimage (face connectivity).

usage: postprocess_scipy.py INPUT.json
INPUT: {"shape": [...], "labels": [flat ints], "step": "components" |
        "KeepLargestConnectedComponent" | "RemoveSmallObjects" | "FillHoles",
        "min_size": n, "applied_labels": [..] or null}
Prints {"labels": [flat ints]} (for "components": {"count": n, "labels": [...]},
the scipy labelling of labels > 0).
"""
import json
import sys

import numpy as np
from scipy import ndimage

a = json.load(open(sys.argv[1]))
lab = np.array(a["labels"], dtype=np.int64).reshape(a["shape"])
structure = ndimage.generate_binary_structure(lab.ndim, 1)  # faces only
applied = a.get("applied_labels") or sorted(int(v) for v in np.unique(lab) if v > 0)
step = a["step"]
out = lab.copy()
if step == "components":
    comp, n = ndimage.label(lab > 0, structure)
    print(json.dumps({"count": int(n), "labels": comp.reshape(-1).tolist()}))
    sys.exit(0)
for l in applied:
    if step == "KeepLargestConnectedComponent":
        comp, n = ndimage.label(out == l, structure)
        if n < 2:
            continue
        sizes = np.bincount(comp.ravel())[1:]
        keep = int(np.argmax(sizes)) + 1  # first of the largest, in C order
        out[(comp > 0) & (comp != keep)] = 0
    elif step == "RemoveSmallObjects":
        comp, n = ndimage.label(out == l, structure)
        sizes = np.bincount(comp.ravel())
        small = sizes < a["min_size"]
        small[0] = False
        out[small[comp]] = 0
    elif step == "FillHoles":
        # A background region enclosed by label l alone becomes l.
        filled = ndimage.binary_fill_holes(out == l, structure)
        holes = filled & (out == 0)
        comp, n = ndimage.label(out == 0, structure)
        for c in np.unique(comp[holes]):
            region = comp == c
            ring = ndimage.binary_dilation(region, structure) & ~region
            if np.all(out[ring] == l):
                out[region] = l
print(json.dumps({"labels": out.reshape(-1).tolist()}))
