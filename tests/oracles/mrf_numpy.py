#!/usr/bin/python3
"""Oracle: mean-field Potts MRF / contrast-sensitive grid CRF with numpy and scipy.ndimage.

usage: mrf_numpy.py INPUT.json
INPUT: {"probs": nested [K, spatial...], "image": nested [C, spatial...],
        "weight": w, "iterations": n, "contrast_sigma": s}
Prints {"probs": nested [K, spatial...]}. With s = 0 the neighbour sum is a
correlation with the face-neighbour cross (zeros outside); with s > 0 each
neighbour's share is weighted by exp(-|I_i - I_j|^2 / (2 s^2)), summed over
channels, gathered one axis and direction at a time with padded copies.
"""
import json
import sys

import numpy as np
from scipy import ndimage

a = json.load(open(sys.argv[1]))
p = np.array(a["probs"], dtype=np.float64)
img = np.array(a["image"], dtype=np.float64)
w, iters, sigma = float(a["weight"]), int(a["iterations"]), float(a["contrast_sigma"])
d = p.ndim - 1
logp = np.log(np.maximum(p, 1e-12))
cross = ndimage.generate_binary_structure(d, 1).astype(np.float64)
cross[(1,) * d] = 0.0  # the neighbours, not the voxel itself


def neighbour_sum(q):
    if sigma == 0:
        return np.stack([ndimage.correlate(q[k], cross, mode="constant", cval=0.0)
                         for k in range(q.shape[0])])
    out = np.zeros_like(q)
    for ax in range(d):
        for step in (1, -1):
            # value and image of the neighbour at offset `step` along ax (none: weight 0)
            shifted_q = np.zeros_like(q)
            shifted_i = np.zeros_like(img)
            valid = np.zeros(q.shape[1:], dtype=bool)
            src = [slice(None)] * d
            dst = [slice(None)] * d
            if step == 1:
                src[ax], dst[ax] = slice(1, None), slice(0, -1)
            else:
                src[ax], dst[ax] = slice(0, -1), slice(1, None)
            shifted_q[(slice(None),) + tuple(dst)] = q[(slice(None),) + tuple(src)]
            shifted_i[(slice(None),) + tuple(dst)] = img[(slice(None),) + tuple(src)]
            valid[tuple(dst)] = True
            wij = np.exp(-((img - shifted_i) ** 2).sum(0) / (2 * sigma * sigma)) * valid
            out += wij[None] * shifted_q
    return out


q = p.copy()
for _ in range(iters):
    z = logp + w * neighbour_sum(q)
    z -= z.max(0, keepdims=True)
    e = np.exp(z)
    q = e / e.sum(0, keepdims=True)
print(json.dumps({"probs": q.tolist()}))
