#!/usr/bin/env python3
"""Oracle: Otsu's threshold with scikit-image.

usage: transforms_spatial_otsu.py RAW_FLOAT64 [NBINS]
Reads float64 values from RAW_FLOAT64 and prints
{"threshold": skimage.filters.threshold_otsu(values, nbins),
 "bin_width": (max - min) / nbins, "foreground": count of values > threshold}.
"""
import json
import sys

import numpy as np
from skimage.filters import threshold_otsu

x = np.fromfile(sys.argv[1], dtype=np.float64)
nbins = int(sys.argv[2]) if len(sys.argv) > 2 else 256
t = float(threshold_otsu(x, nbins=nbins))
print(json.dumps({"threshold": t, "bin_width": float((x.max() - x.min()) / nbins),
                  "foreground": int((x > t).sum())}))
