#!/usr/bin/env python3
"""Oracle: DRIVE vessel and field-of-view counts read with PIL.

usage: drive_fov.py MANUAL.gif FOV.gif
Prints {"shape": [h, w], "outside": pixels where FOV == 0, "vessel_inside": pixels with
manual > 0 and FOV > 0, "background_inside": manual == 0 and FOV > 0}.
"""
import json
import sys

import numpy as np
from PIL import Image

manual = np.array(Image.open(sys.argv[1]).convert("L"))
fov = np.array(Image.open(sys.argv[2]).convert("L"))
inside = fov > 0
print(json.dumps({"shape": list(manual.shape), "outside": int((~inside).sum()),
                  "vessel_inside": int(((manual > 0) & inside).sum()),
                  "background_inside": int(((manual == 0) & inside).sum())}))
