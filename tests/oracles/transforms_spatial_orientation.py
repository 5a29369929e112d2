#!/usr/bin/env python3
"""Oracle: nibabel's closest canonical (RAS) orientation of a NIfTI volume.

usage: transforms_spatial_orientation.py NIFTI OUT_RAW
Writes nibabel.as_closest_canonical(img)'s voxel array as float32, C order,
transposed to [z, y, x] (medcnn's tensor layout), to OUT_RAW and prints
{"shape": [z, y, x], "codes_before": "...", "codes_after": "...",
 "affine": 4x4 RAS affine of the canonical image}.
"""
import json
import sys

import nibabel as nib
import numpy as np

img = nib.load(sys.argv[1])
can = nib.as_closest_canonical(img)
data = np.asarray(can.dataobj, dtype=np.float32).transpose(2, 1, 0)
np.ascontiguousarray(data).tofile(sys.argv[2])
print(json.dumps({
    "shape": list(data.shape),
    "codes_before": "".join(nib.aff2axcodes(img.affine)),
    "codes_after": "".join(nib.aff2axcodes(can.affine)),
    "affine": can.affine.tolist(),
}))
