#!/usr/bin/env python3
"""Oracle: resampling a NIfTI volume to a new spacing with scipy.ndimage.

usage: transforms_spatial_spacing.py NIFTI PIXDIM ORDER START SIZE OUT_RAW
  NIFTI   volume read with nibabel (array [x, y, z], spacing from the header)
  PIXDIM  target spacing "sx,sy,sz" (x, y, z order)
  ORDER   1 (linear, mode "nearest" = edge value outside) or 3 (cubic
          B-spline with the exact prefilter, mode "mirror")
  START, SIZE  "z,y,x" crop of the [z, y, x] array taken before resampling
Writes the result as float32, C order, array [z, y, x], to OUT_RAW and prints
{"shape": [z, y, x]}. Mapping: new index i samples old index i * new / old
(pixel 0 keeps its centre); new size = round(n * old / new).
"""
import json
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

path, pixdim, order, start, size, out = sys.argv[1:7]
img = nib.load(path)
x = np.asarray(img.dataobj, dtype=np.float64).transpose(2, 1, 0)  # [z, y, x]
zooms = np.asarray(img.header.get_zooms()[:3], dtype=np.float64)[::-1]  # z, y, x
start = [int(v) for v in start.split(",")]
size = [int(v) for v in size.split(",")]
x = x[tuple(slice(s, s + n) for s, n in zip(start, size))]
new = np.asarray([float(v) for v in pixdim.split(",")], dtype=np.float64)[::-1]
ratio = new / zooms
shape = [max(1, int(np.floor(n * z / p + 0.5))) for n, z, p in zip(x.shape, zooms, new)]
grid = np.meshgrid(*[np.arange(n) * r for n, r in zip(shape, ratio)], indexing="ij")
order = int(order)
mode = "nearest" if order == 1 else "mirror"
y = ndimage.map_coordinates(x, np.stack(grid), order=order, mode=mode)
y.astype(np.float32).tofile(out)
print(json.dumps({"shape": shape}))
