#!/usr/bin/env python3
"""Oracle: MONAI-style intensity transforms in plain numpy.

usage: transforms_intensity.py INPUT_JSON
INPUT_JSON: {"shape": [C, ...], "data": [flat floats], "op": "NormalizeIntensity" |
"ScaleIntensity", "params": {...}}. Prints {"data": [flat result]} (float64).

NormalizeIntensity: (x - mean) / std over all pixels, or over non-zero pixels
only (nonzero: true; zeros stay), per channel (channel_wise, default true);
numpy's population std (ddof=0); a zero std counts as 1; subtrahend /
divisor replace mean / std. ScaleIntensity: (x - min) / (max - min) *
(maxv - minv) + minv, over all channels unless channel_wise.
"""
import json
import sys

import numpy as np

spec = json.load(open(sys.argv[1]))
x = np.asarray(spec["data"], dtype=np.float64).reshape(spec["shape"])
p = spec.get("params", {})


def per_channel(value, c):
    if value is None:
        return None
    if isinstance(value, list):
        return value[c] if len(value) > 1 else value[0]
    return value


def normalize(a, sub, div, nonzero):
    sel = a != 0 if nonzero else np.ones(a.shape, dtype=bool)
    if not sel.any():
        return a
    vals = a[sel]
    m = vals.mean() if sub is None else sub
    s = vals.std() if div is None else div
    if s == 0:
        s = 1.0
    out = a.copy()
    out[sel] = (vals - m) / s
    return out


def scale(a, minv, maxv):
    lo, hi = a.min(), a.max()
    if hi == lo:
        return np.full_like(a, minv)
    return (a - lo) / (hi - lo) * (maxv - minv) + minv


if spec["op"] == "NormalizeIntensity":
    nonzero = p.get("nonzero", False)
    sub, div = p.get("subtrahend"), p.get("divisor")
    if p.get("channel_wise", True):
        y = np.stack([normalize(x[c], per_channel(sub, c), per_channel(div, c), nonzero)
                      for c in range(x.shape[0])])
    else:
        y = normalize(x, per_channel(sub, 0), per_channel(div, 0), nonzero)
elif spec["op"] == "ScaleIntensity":
    minv, maxv = p.get("minv", 0.0), p.get("maxv", 1.0)
    if p.get("channel_wise", False):
        y = np.stack([scale(x[c], minv, maxv) for c in range(x.shape[0])])
    else:
        y = scale(x, minv, maxv)
else:
    raise SystemExit("unknown op " + spec["op"])
print(json.dumps({"data": y.reshape(-1).tolist()}))
