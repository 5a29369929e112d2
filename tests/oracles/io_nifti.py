#!/usr/bin/python3
"""Independent NIfTI reading with nibabel.

  io_nifti.py PATH [x,y,z ...]
Prints shape ([x, y, z] as nibabel gives it), zooms, the LPS origin and
direction (ITK's convention: nibabel's RAS affine with x and y negated),
the stored dtype, the values at the given voxel indices (x, y, z), and the
checksums of the array reordered to [z, y, x] (our tensor order).
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from io_checksum import plain, weighted  # noqa: E402


def main(argv):
    img = nib.load(argv[1])
    data = np.asanyarray(img.dataobj)  # scaled if scl_slope is set
    zooms = [float(z) for z in img.header.get_zooms()[:3]]
    affine = img.affine.copy()
    lps = np.diag([-1.0, -1.0, 1.0]) @ affine[:3, :]
    direction = lps[:, :3] / np.array(zooms)[None, :]
    points = []
    for arg in argv[2:]:
        x, y, z = (int(v) for v in arg.split(","))
        points.append({"index": [x, y, z], "value": float(data[x, y, z])})
    zyx = np.transpose(data, (2, 1, 0))
    json.dump({
        "shape": list(data.shape),
        "zooms": zooms,
        "origin": lps[:, 3].tolist(),
        "direction": direction.tolist(),  # row-major, column j = axis j
        "dtype": str(img.get_data_dtype()),
        "points": points,
        "sum": plain(zyx),
        "weighted": weighted(zyx),
    }, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
