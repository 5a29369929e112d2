#!/usr/bin/env python3
"""Oracle: Grad-CAM, Grad-CAM++, CAM and occlusion sensitivity computed in
PyTorch (forward hooks, torch.autograd.grad) on the pure-PyTorch ResNet-18 of
nn_resnet_reference.py loaded with medcnn's weights.

usage: explain_torch.py CASE_DIR
CASE_DIR holds weights.npz, input.npz ("x": [1, C, spatial...]) and meta.json
{"dims", "stem", "width", "class", "layers": [...], "patch", "stride",
"baseline"}. Prints {"gradcam": {layer: flat map}, "gradcam++": {layer: ...}, "layercam": {...},
"cam": flat map, "occlusion": flat map, "logits": [...]}.

Definitions (written from the papers, independently of medcnn):
  A = the layer's output, g = d logit_c / dA;
  Grad-CAM:   w_k = mean_space g_k,  map = relu(sum_k w_k A_k)
  Grad-CAM++: a = g^2 / (2 g^2 + sum_space(A_k) g^3 + 1e-7), 0 where g == 0;
              w_k = sum_space(relu(g_k) a_k), map = relu(sum_k w_k A_k)
  CAM:        w = fc.weight[c] at the last map, map = sum_k w_k A_k
  each map then upsampled to the input size ((bi/tri)linear, align_corners
  False) and min-max scaled to [0, 1];
  occlusion:  windows of `patch` per axis at starts 0, stride, ... and the last
              one flush with the end; map = mean over covering windows of
              softmax(f(x))_c - softmax(f(x with the window = baseline))_c.
"""
import itertools
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_resnet_reference import ResNet18  # noqa: E402

MODES = {1: "linear", 2: "bilinear", 3: "trilinear"}


def scale(m, size, dims):
    m = F.interpolate(m[None, None], size=size, mode=MODES[dims], align_corners=False)[0, 0]
    lo, hi = m.min(), m.max()
    return ((m - lo) / (hi - lo) if hi > lo else torch.zeros_like(m)).flatten().tolist()


def main(case):
    meta = json.load(open(os.path.join(case, "meta.json")))
    weights = dict(np.load(os.path.join(case, "weights.npz")))
    x = torch.from_numpy(np.load(os.path.join(case, "input.npz"))["x"]).float()
    d = int(meta["dims"])
    classes = weights["head.fc.weight"].shape[0]
    net = ResNet18(d, x.shape[1], classes, int(meta["width"]), meta["stem"])
    net.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    net.eval()
    c = int(meta["class"])
    size = list(x.shape[2:])
    out = {"gradcam": {}, "gradcam++": {}, "layercam": {}}
    for layer in meta["layers"]:
        module = net.layer4 if layer == "features" else getattr(net, layer)
        store = {}
        h = module.register_forward_hook(lambda m, i, o: store.__setitem__("A", o))
        logits = net(x)
        h.remove()
        A = store["A"]
        g = torch.autograd.grad(logits[0, c], A)[0][0]
        A = A[0].detach()
        axes = tuple(range(1, A.dim()))
        shape = (-1,) + (1,) * (A.dim() - 1)
        w = g.mean(axes)
        out["gradcam"][layer] = scale(torch.relu((w.view(shape) * A).sum(0)), size, d)
        g2, g3 = g ** 2, g ** 3
        a = g2 / (2 * g2 + A.sum(axes).view(shape) * g3 + 1e-7)
        a = torch.where(g != 0, a, torch.zeros_like(a))
        w = (torch.relu(g) * a).sum(axes)
        out["gradcam++"][layer] = scale(torch.relu((w.view(shape) * A).sum(0)), size, d)
        # LayerCAM (Jiang et al. 2021): element-wise positive gradients
        out["layercam"][layer] = scale(torch.relu((torch.relu(g) * A).sum(0)), size, d)
        if layer == "features":
            w = net.head.fc.weight[c].detach()
            out["cam"] = scale((w.view(shape) * A).sum(0), size, d)
        out["logits"] = logits[0].tolist()
    # occlusion, with explicit loops
    patch, stride, base = int(meta["patch"]), int(meta["stride"]), float(meta["baseline"])
    with torch.no_grad():
        p0 = torch.softmax(net(x), 1)[0, c].item()
        starts = []
        for s in size:
            p = min(patch, s)
            st = list(range(0, s - p, stride)) + [s - p] if p < s else [0]
            starts.append([(v, p) for v in st])
        total = np.zeros(size)
        count = np.zeros(size)
        for window in itertools.product(*starts):
            xo = x.clone()
            sl = tuple(slice(v, v + p) for v, p in window)
            xo[(0, slice(None)) + sl] = base
            drop = p0 - torch.softmax(net(xo), 1)[0, c].item()
            total[sl] += drop
            count[sl] += 1
    out["occlusion"] = (total / np.maximum(count, 1)).flatten().tolist()
    return out


torch.set_num_threads(1)
print(json.dumps(main(sys.argv[1])))
