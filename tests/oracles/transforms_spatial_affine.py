#!/usr/bin/env python3
"""Oracle: an affine resampling with scipy.ndimage.affine_transform.

usage: transforms_spatial_affine.py INPUT_JSON
INPUT_JSON: {"shape": [H, W] or [D, H, W], "data": [flat floats, C order],
"matrix": (d+1)x(d+1) homogeneous matrix (list of rows) mapping an OUTPUT
array index to the INPUT array index it samples (array axis order), "order": 1}.
Prints {"data": [flat result]}: scipy.ndimage.affine_transform with that
matrix, linear interpolation (order 1), zeros outside (mode "constant").
Pixel centres are at integer indices, as in scipy.
"""
import json
import sys

import numpy as np
from scipy import ndimage

spec = json.load(open(sys.argv[1]))
x = np.asarray(spec["data"], dtype=np.float64).reshape(spec["shape"])
m = np.asarray(spec["matrix"], dtype=np.float64)
d = x.ndim
out = ndimage.affine_transform(x, m[:d, :d], offset=m[:d, d], order=int(spec.get("order", 1)),
                               mode="constant", cval=0.0, prefilter=False)
print(json.dumps({"data": out.ravel().tolist()}))
