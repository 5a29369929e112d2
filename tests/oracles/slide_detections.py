#!/usr/bin/python3
"""Oracle: the FROC of `medcnn detect-slide`'s detections against the
phantom slide's lesions, with detection_numpy.py's CAMELYON16-style FROC (a
detection hits a lesion when its centre lies inside the lesion's box), and
the share of tissue cells in tissue.png.

usage: slide_detections.py DETECTIONS.csv LESIONS.csv TISSUE.png
Prints {"n_detections", "n_lesions", "froc", "sensitivity_at", "tissue_share"}.
"""
import csv
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import detection_numpy as dn  # noqa: E402


def boxes(path, scored):
    out = []
    for r in csv.DictReader(open(path)):
        if not r["class"]:
            continue
        b = [float(r[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
        out.append({"lo": b[:2], "hi": b[2:], "label": 0,
                    "score": float(r["score"]) if scored else 1.0})
    return out


det = boxes(sys.argv[1], True)
les = boxes(sys.argv[2], False)
fr = dn.froc({"predictions": [det], "ground_truth": [les]}, "centre")
tissue = np.asarray(Image.open(sys.argv[3]), dtype=float)
print(json.dumps({"n_detections": len(det), "n_lesions": len(les),
                  "froc": fr["mean_sensitivity"], "sensitivity_at": fr["sensitivity_at"],
                  "tissue_share": float((tissue > 127).mean())}))
