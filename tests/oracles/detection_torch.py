#!/usr/bin/python3
"""Oracle: the CenterNet-style detection task (src/medcnn/tasks/detection.h),
re-computed from the header's contract alone in numpy / PyTorch.

A box is {"lo": [x, y(, z)], "hi": [...], "label": int} (medcnn's Box
convention: continuous pixel coordinates, x = the last tensor axis); a tensor
is sent as {"shape": [...], "values": [...]} (C order) and comes back so.

usage: detection_torch.py targets CASE.json
  CASE: {"cases": [{"input_size": [..], "grid_size": [..] (tensor order), "num_classes": K,
                    "boxes": [[box...] per image]}]}
  Prints {"cases": [{"heatmap", "size", "offset", "mask"}]}:
  stride s_a = input_a / grid_a; centre c_a = (lo_a + hi_a) / 2 / s_a, size
  w_a = (hi_a - lo_a) / s_a; cell p_a = clamp(floor(c_a), 0, g_a - 1);
  heatmap[label] = max over the class's boxes of exp(-sum_a (q_a - p_a)^2 /
  (2 sigma_a^2)), sigma_a = max(0.54 w_a / 6, 0.1); at p: log(max(w_a, 1e-3))
  and c_a - p_a (channels x, y, z), a later box overwriting an earlier one.
usage: detection_torch.py loss CASE.json
  CASE: {"cases": [{"input_size", "num_classes", "size_weight", "offset_weight",
                    "output": tensor [B, K + 2d, g...], "boxes": [[box...]]}]}
  Prints {"cases": [{"loss": value, "grad": tensor}]}: CornerNet's focal loss
  (alpha 2, beta 4) on sigmoid(logits), summed, over max(1, #cells with target
  1); + size_weight * L1 of the log sizes + offset_weight * L1 of the offsets,
  summed over the axes at the object cells, over max(1, #object cells). The
  gradient w.r.t. the output by autograd (float64).
usage: detection_torch.py decode CASE.json
  CASE: {"cases": [{"input_size", "num_classes", "score_threshold", "max_detections",
                    "nms_iou", "output": tensor}]}
  Prints {"cases": [[[box + "score"] per image]]}: peaks of sigmoid(logits)
  equal to their 3^d max pool; the max_detections highest (over classes) with
  heat >= score_threshold; centre (p + offset) * s, size exp(log size) * s;
  then greedy class-aware NMS (dropped when IoU > nms_iou with a kept box of the
  class; nms_iou <= 0: none); sorted by score (stable).
"""
import json
import math
import sys

import numpy as np

ALPHA_GAUSS = 0.54


def tensor_in(t):
    return np.array(t["values"], dtype=np.float64).reshape(t["shape"])


def tensor_out(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "values": a.ravel().tolist()}


def strides(input_size, grid_size):
    """Per axis in x, y, z order (x = the last tensor axis)."""
    d = len(grid_size)
    return [input_size[d - 1 - a] / grid_size[d - 1 - a] for a in range(d)]


# -------------------------------------------------------------- targets ----

def targets(input_size, grid_size, num_classes, boxes):
    d = len(grid_size)
    s = strides(input_size, grid_size)
    g_xyz = [grid_size[d - 1 - a] for a in range(d)]
    b_count = len(boxes)
    heat = np.zeros([b_count, num_classes] + list(grid_size))
    size = np.zeros([b_count, d] + list(grid_size))
    offset = np.zeros([b_count, d] + list(grid_size))
    mask = np.zeros([b_count] + list(grid_size), dtype=bool)
    # the coordinates of every cell, per axis x, y, z, as grids in tensor order
    axes = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in grid_size], indexing="ij")
    q_xyz = [axes[d - 1 - a] for a in range(d)]
    for i, image in enumerate(boxes):
        for b in image:
            k = b["label"]
            if not 0 <= k < num_classes:
                raise SystemExit("label out of range")
            c = [(b["lo"][a] + b["hi"][a]) / 2 / s[a] for a in range(d)]
            w = [(b["hi"][a] - b["lo"][a]) / s[a] for a in range(d)]
            p = [min(max(int(math.floor(c[a])), 0), g_xyz[a] - 1) for a in range(d)]
            sigma = [max(ALPHA_GAUSS * w[a] / 6, 0.1) for a in range(d)]
            e = sum((q_xyz[a] - p[a]) ** 2 / (2 * sigma[a] ** 2) for a in range(d))
            heat[i, k] = np.maximum(heat[i, k], np.exp(-e))
            cell = tuple(p[d - 1 - t] for t in range(d))  # tensor order
            for a in range(d):
                size[(i, a) + cell] = math.log(max(w[a], 1e-3))
                offset[(i, a) + cell] = c[a] - p[a]
            mask[(i,) + cell] = True
    return heat, size, offset, mask


def run_targets(spec):
    out = []
    for c in spec["cases"]:
        heat, size, offset, mask = targets(c["input_size"], c["grid_size"], c["num_classes"],
                                           c["boxes"])
        out.append({"heatmap": tensor_out(heat), "size": tensor_out(size),
                    "offset": tensor_out(offset), "mask": tensor_out(mask.astype(np.float64))})
    return {"cases": out}


# ----------------------------------------------------------------- loss ----

def run_loss(spec):
    import torch
    import torch.nn.functional as F

    out = []
    for c in spec["cases"]:
        k = c["num_classes"]
        x = torch.tensor(tensor_in(c["output"]), dtype=torch.float64, requires_grad=True)
        grid = list(x.shape[2:])
        d = len(grid)
        heat, size, offset, mask = targets(c["input_size"], grid, k, c["boxes"])
        heat, size, offset = (torch.tensor(a, dtype=torch.float64) for a in (heat, size, offset))
        mask = torch.tensor(mask)
        logits = x[:, :k]
        p = torch.sigmoid(logits)
        log_p, log_1mp = F.logsigmoid(logits), F.logsigmoid(-logits)
        pos = heat == 1
        pos_term = -((1 - p) ** 2) * log_p
        neg_term = -((1 - heat) ** 4) * p ** 2 * log_1mp
        focal = torch.where(pos, pos_term, neg_term).sum() / max(1, int(pos.sum()))
        m = mask.unsqueeze(1).expand(-1, d, *grid)
        n_obj = max(1, int(mask.sum()))
        l1_size = (x[:, k:k + d] - size).abs()[m].sum() / n_obj
        l1_off = (x[:, k + d:k + 2 * d] - offset).abs()[m].sum() / n_obj
        loss = focal + c["size_weight"] * l1_size + c["offset_weight"] * l1_off
        loss.backward()
        out.append({"loss": float(loss), "focal": float(focal), "l1_size": float(l1_size),
                    "l1_offset": float(l1_off), "grad": tensor_out(x.grad.numpy())})
    return {"cases": out}


# --------------------------------------------------------------- decode ----

def iou(a, b):
    inter, va, vb = 1.0, 1.0, 1.0
    for lo_a, hi_a, lo_b, hi_b in zip(a["lo"], a["hi"], b["lo"], b["hi"]):
        inter *= max(0.0, min(hi_a, hi_b) - max(lo_a, lo_b))
        va *= max(0.0, hi_a - lo_a)
        vb *= max(0.0, hi_b - lo_b)
    union = va + vb - inter
    return inter / union if union > 0 else 0.0


def nms(boxes, threshold):
    order = sorted(range(len(boxes)), key=lambda i: -boxes[i]["score"])  # stable
    kept = []
    for i in order:
        b = boxes[i]
        if threshold > 0 and any(o["label"] == b["label"] and iou(o, b) > threshold
                                 for o in kept):
            continue
        kept.append(b)
    return kept


def run_decode(spec):
    import torch
    import torch.nn.functional as F

    out = []
    for c in spec["cases"]:
        k = c["num_classes"]
        x = torch.tensor(tensor_in(c["output"]), dtype=torch.float64)
        grid = list(x.shape[2:])
        d = len(grid)
        s = strides(c["input_size"], grid)
        heat = torch.sigmoid(x[:, :k])
        pool = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[d]
        peaks = heat == pool(heat, kernel_size=3, stride=1, padding=1)
        images = []
        for i in range(x.shape[0]):
            cand = []
            for idx in torch.nonzero(peaks[i]).tolist():  # [class, tensor-order cell]
                score = float(heat[(i,) + tuple(idx)])
                cand.append((score, idx))
            cand.sort(key=lambda t: -t[0])
            cand = [t for t in cand[:c["max_detections"]] if t[0] >= c["score_threshold"]]
            boxes = []
            for score, idx in cand:
                cls, cell = idx[0], idx[1:]
                lo, hi = [], []
                for a in range(d):
                    p_a = cell[d - 1 - a]
                    off = float(x[(i, k + d + a) + tuple(cell)])
                    ls = float(x[(i, k + a) + tuple(cell)])
                    centre = (p_a + off) * s[a]
                    w = math.exp(ls) * s[a]
                    lo.append(centre - w / 2)
                    hi.append(centre + w / 2)
                boxes.append({"lo": lo, "hi": hi, "label": cls, "score": score})
            images.append(nms(boxes, c["nms_iou"]))
        out.append(images)
    return {"cases": out}


def main():
    mode, path = sys.argv[1], sys.argv[2]
    spec = json.load(open(path))
    run = {"targets": run_targets, "loss": run_loss, "decode": run_decode}.get(mode)
    if run is None:
        raise SystemExit("unknown mode " + mode)
    json.dump(run(spec), sys.stdout)


if __name__ == "__main__":
    main()
