#!/usr/bin/env python3
"""Oracle: medcnn's added intensity transforms in numpy / scipy / scikit-image.

usage: transforms_intensity_extra.py INPUT_JSON
INPUT_JSON: {"op": ..., "params": {...}, "shape": [C, ...], "data": [flat floats],
             "mask": [flat 0/1 over the spatial shape] (optional)}
Prints {"shape": [...], "data": [flat result]} (float64).

ops:
  NormalizeIntensityMask          z-score with mean/std over mask > 0, applied to all pixels
  ScaleIntensityRangePercentiles  MONAI semantics with numpy.percentile (linear)
  ClipIntensityPercentiles        numpy.clip to numpy.percentile values
  CTWindow                        clip((x - (L - W/2)) / W, 0, 1), windows stacked window-major
  HistogramEqualize               skimage.exposure.equalize_hist per channel (float input)
  GaussianSmooth                  scipy.ndimage.gaussian_filter per channel, mode="reflect"
  EqualizeAdapthist               skimage.exposure.equalize_adapthist per channel of a [0,1]
                                  image, kernel_size = shape / tiles, clip_limit as given
  AdjustContrast                  min-max to [0, 1], skimage.exposure.adjust_gamma, back
                                  (retain_stats: to the input's mean and ddof=1 std)
  HueSaturation                   skimage rgb2hsv, hue += shift (mod 1), sat *= factor
                                  (clipped to [0, 1]), hsv2rgb; input [3, H, W]
"""
import json
import sys

import numpy as np

spec = json.load(open(sys.argv[1]))
x = np.asarray(spec["data"], dtype=np.float64).reshape(spec["shape"])
p = spec.get("params", {})
mask = None
if "mask" in spec:
    mask = np.asarray(spec["mask"]).reshape(spec["shape"][1:]) > 0
op = spec["op"]

PRESETS = {"lung": (-600, 1500), "mediastinum": (50, 350), "bone": (400, 1800)}

if op == "NormalizeIntensityMask":
    y = np.empty_like(x)
    for c in range(x.shape[0]):
        v = x[c][mask]
        s = v.std() or 1.0
        y[c] = (x[c] - v.mean()) / s
elif op == "ScaleIntensityRangePercentiles":
    lower, upper = p.get("lower", 0.5), p.get("upper", 99.5)
    b_min, b_max = p.get("b_min", 0.0), p.get("b_max", 1.0)
    if p.get("relative", False):
        b_min, b_max = (b_max - b_min) * lower / 100 + b_min, (b_max - b_min) * upper / 100 + b_min

    def one(a):
        a_min, a_max = np.percentile(a, lower), np.percentile(a, upper)
        if a_max == a_min:
            r = a - a_min + b_min
        else:
            r = (a - a_min) / (a_max - a_min) * (b_max - b_min) + b_min
        if p.get("clip", False):
            r = np.clip(r, min(b_min, b_max), max(b_min, b_max))
        return r
    y = np.stack([one(x[c]) for c in range(x.shape[0])]) if p.get("channel_wise") else one(x)
elif op == "ClipIntensityPercentiles":
    lower, upper = p.get("lower", 0.5), p.get("upper", 99.5)

    def one(a):
        lo = None if lower is None else np.percentile(a, lower)
        hi = None if upper is None else np.percentile(a, upper)
        return np.clip(a, lo, hi)
    y = np.stack([one(x[c]) for c in range(x.shape[0])]) if p.get("channel_wise") else one(x)
elif op == "CTWindow":
    ws = p.get("windows", ["lung", "mediastinum", "bone"])
    out = []
    for w in ws:
        level, width = PRESETS[w] if isinstance(w, str) else w
        out.append(np.clip((x - (level - width / 2)) / width, 0, 1))
    y = np.concatenate(out, axis=0)
elif op == "HistogramEqualize":
    from skimage import exposure
    nb = p.get("num_bins", 256)
    y = np.stack([exposure.equalize_hist(x[c], nbins=nb, mask=mask) for c in range(x.shape[0])])
elif op == "GaussianSmooth":
    from scipy import ndimage
    sigma = p["sigma"]
    y = np.stack([ndimage.gaussian_filter(x[c], sigma, mode="reflect", truncate=4.0)
                  for c in range(x.shape[0])])
elif op == "EqualizeAdapthist":
    from skimage import exposure
    tiles = p["tiles"]
    ks = [s // t for s, t in zip(x.shape[1:], tiles)]
    y = np.stack([exposure.equalize_adapthist(x[c], kernel_size=ks, clip_limit=p["clip_limit"],
                                              nbins=256) for c in range(x.shape[0])])
elif op == "AdjustContrast":
    from skimage import exposure
    a = -x if p.get("invert_image") else x
    lo, rng = a.min(), a.max() - a.min()
    y = exposure.adjust_gamma(np.clip((a - lo) / (rng + 1e-7), 0, None), p["gamma"]) * rng + lo
    if p.get("retain_stats"):
        y = (y - y.mean()) / (y.std(ddof=1) + 1e-8) * a.std(ddof=1) + a.mean()
    if p.get("invert_image"):
        y = -y
elif op == "HueSaturation":
    from skimage import color
    hsv = color.rgb2hsv(np.moveaxis(x, 0, -1))
    hsv[..., 0] = np.mod(hsv[..., 0] + p["hue_shift"], 1.0)
    hsv[..., 1] = np.clip(hsv[..., 1] * p["saturation_factor"], 0, 1)
    y = np.moveaxis(color.hsv2rgb(hsv), -1, 0)
else:
    raise SystemExit("unknown op " + op)
print(json.dumps({"shape": list(y.shape), "data": y.reshape(-1).tolist()}))
