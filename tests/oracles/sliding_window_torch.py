#!/usr/bin/env python3
"""Oracle: tiled (sliding-window) inference written out in PyTorch (Python), after
nnU-Net's compute_steps_for_sliding_window and MONAI's Gaussian importance map,
independently of medcnn.

usage: sliding_window_torch.py INPUT.json
INPUT: {"shape": [B, C, spatial...], "image": [flat], "weight": [flat conv weight
        [K, C, 3, ...]], "bias": [K], "roi": [...], "overlap": f, "mode":
        "gaussian"|"constant", "sigma_scale": s, "flip": [spatial axes]}
The predictor is a 3-wide convolution with zero padding ("same"), so windows see
their own borders and the blending matters. Prints {"output": [flat]}.
"""
import itertools
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

a = json.load(open(sys.argv[1]))
shape = a["shape"]
d = len(shape) - 2
img = torch.tensor(a["image"], dtype=torch.float64).reshape(shape)
K = len(a["bias"])
w = torch.tensor(a["weight"], dtype=torch.float64).reshape([K, shape[1]] + [3] * d)
b = torch.tensor(a["bias"], dtype=torch.float64)
conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[d]


def net(x):
    return conv(x, w, b, padding=1)


size = shape[2:]
roi = [r if r > 0 else s for r, s in zip(a["roi"], size)]
padded = [max(s, r) for s, r in zip(size, roi)]
pad = []
for s, p in reversed(list(zip(size, padded))):
    pad += [0, p - s]
x = F.pad(img, pad)


def steps(size, patch, overlap):
    # nnU-Net: num_steps = ceil((size - patch) / target_step) + 1, evenly spaced.
    if patch >= size:
        return [0]
    target = max(1.0, patch * (1 - overlap))
    n = int(math.ceil((size - patch) / target)) + 1
    actual = (size - patch) / (n - 1)
    return [int(np.round(actual * i)) for i in range(n)]


if a["mode"] == "gaussian":
    g = torch.ones(())
    for r in roi:
        sigma = a["sigma_scale"] * r
        c = (r - 1) / 2.0
        v = torch.exp(-((torch.arange(r, dtype=torch.float64) - c) ** 2) / (2 * sigma * sigma))
        g = g.unsqueeze(-1) * v
    g = g / g.max()
    g = torch.clamp(g, min=g[g > 0].min().item())
else:
    g = torch.ones(roi, dtype=torch.float64)

flips = []
for n in range(len(a["flip"]) + 1):
    for combo in itertools.combinations(a["flip"], n):
        flips.append([ax + 2 for ax in combo])

out = torch.zeros([shape[0], K] + padded, dtype=torch.float64)
norm = torch.zeros(padded, dtype=torch.float64)
for start in itertools.product(*[steps(p, r, a["overlap"]) for p, r in zip(padded, roi)]):
    sl = tuple(slice(s, s + r) for s, r in zip(start, roi))
    win = x[(slice(None), slice(None)) + sl]
    acc = 0
    for f in flips:
        y = net(win.flip(f)) if f else net(win)
        acc = acc + (y.flip(f) if f else y)
    acc = acc / len(flips)
    out[(slice(None), slice(None)) + sl] += acc * g
    norm[sl] += g
out = out / norm
out = out[(slice(None), slice(None)) + tuple(slice(0, s) for s in size)]
print(json.dumps({"output": out.reshape(-1).tolist()}))
