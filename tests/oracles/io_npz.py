#!/usr/bin/python3
"""Independent .npz reading with numpy.

  io_npz.py PATH
Prints, for every array: shape, dtype name and checksums (C order).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from io_checksum import plain, weighted  # noqa: E402


def main(path):
    out = {}
    with np.load(path, allow_pickle=False) as z:
        for key in z.files:
            a = z[key]
            out[key] = {"shape": list(a.shape), "dtype": a.dtype.name, "sum": plain(a), "weighted": weighted(a)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
