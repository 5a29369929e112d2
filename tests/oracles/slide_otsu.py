#!/usr/bin/python3
"""Oracle: Otsu's threshold of an RGB image's luminance, with scikit-image.

usage: slide_otsu.py IMAGE.png
Prints {"threshold": skimage.filters.threshold_otsu(L) with
L = 0.299 R + 0.587 G + 0.114 B (float), "tissue": count of pixels with L <= threshold}.
"""
import json
import sys

import numpy as np
from PIL import Image
from skimage.filters import threshold_otsu

rgb = np.asarray(Image.open(sys.argv[1]).convert("RGB"), dtype=np.float64)
lum = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
t = float(threshold_otsu(lum, nbins=256))
print(json.dumps({"threshold": t, "tissue": int((lum <= t).sum())}))
