#!/usr/bin/python3
"""Independent 2-D image reading with PIL (TIFF, GIF, PNG).

  io_pil.py PATH
Prints mode, size, the channel count a reader should give (1 when every
pixel is grey, R == G == B, else 3; or the file's own band count for
non-palette images), the sorted distinct values when there are few, and
checksums of the pixels in [C, H, W] order.
"""
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from io_checksum import plain, weighted  # noqa: E402


def main(path):
    im = Image.open(path)
    im.seek(0)
    mode = im.mode
    if mode in ("P", "L", "1"):
        rgb = np.array(im.convert("RGB"))
        grey = bool(np.all(rgb[..., 0] == rgb[..., 1]) and np.all(rgb[..., 1] == rgb[..., 2]))
        chw = rgb[..., :1].transpose(2, 0, 1) if grey else rgb.transpose(2, 0, 1)
    else:
        a = np.array(im)
        chw = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
    values = np.unique(chw)
    json.dump({
        "mode": mode,
        "width": im.size[0],
        "height": im.size[1],
        "channels": int(chw.shape[0]),
        "distinct": values.tolist() if values.size <= 16 else None,
        "sum": plain(chw),
        "weighted": weighted(chw),
        # x = 10, y = 20 when the image is that large
        "pixel_10_20": chw[:, 20, 10].tolist() if chw.shape[1] > 20 and chw.shape[2] > 10 else None,
    }, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
