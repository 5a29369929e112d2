#!/usr/bin/env python3
"""Oracle: segmentation losses and their gradients, written out in PyTorch (Python)
from their published definitions (MONAI 1.x DiceLoss / TverskyLoss / DiceCELoss docs,
Milletari et al. 2016, Salehi et al. 2017, Lin et al. 2017), independently of medcnn.

usage: seg_losses_torch.py INPUT.json
INPUT: {"shape": [B, K, spatial...], "logits": [flat floats], "target": [flat ints of
        [B, spatial...]], "ignore": int or null, "loss": "dice"|"tversky"|"dice_ce"|
        "cross_entropy"|"focal", "params": {...}}
Prints {"loss": value, "grad": [flat d loss / d logits]}.
"""
import json
import sys

import torch
import torch.nn.functional as F

a = json.load(open(sys.argv[1]))
shape = a["shape"]
x = torch.tensor(a["logits"], dtype=torch.float64).reshape(shape).requires_grad_(True)
t = torch.tensor(a["target"], dtype=torch.long).reshape([shape[0]] + shape[2:])
ignore = a.get("ignore")
p_ = a.get("params", {})
K = shape[1]
valid = torch.ones_like(t, dtype=torch.bool) if ignore is None else t != ignore
tt = torch.where(valid, t, torch.zeros_like(t))


def overlap(params):
    """tp, fp, fn per (case, class) or per class (batch=True)."""
    if K == 1:
        p = torch.sigmoid(x)
        g = (tt > 0).unsqueeze(1).double()
    else:
        p = torch.softmax(x, dim=1)
        g = F.one_hot(tt, K).permute(0, -1, *range(1, tt.dim())).double()
        if not params.get("include_background", False):
            p, g = p[:, 1:], g[:, 1:]
    v = valid.unsqueeze(1).double()
    p, g = p * v, g * v
    axes = list(range(2, x.dim()))
    if params.get("batch", False):
        axes = [0] + axes
    tp = (p * g).sum(axes)
    fp = (p * (1 - g)).sum(axes)
    fn = ((1 - p) * g).sum(axes)
    return tp, fp, fn


def dice(params):
    tp, fp, fn = overlap(params)
    nr, dr = params.get("smooth_nr", 1e-5), params.get("smooth_dr", 1e-5)
    # MONAI: 1 - (2 * intersection + nr) / (ground_o + pred_o + dr)
    ground_o, pred_o = tp + fn, tp + fp
    return (1 - (2 * tp + nr) / (ground_o + pred_o + dr)).mean()


def ce(params):
    w = params.get("class_weights")
    w = torch.tensor(w, dtype=torch.float64) if isinstance(w, list) else None
    if not valid.any():
        return x.sum() * 0
    return F.cross_entropy(x, t, weight=w, ignore_index=-100 if ignore is None else ignore,
                           label_smoothing=params.get("label_smoothing", 0.0))


name = a["loss"]
if name == "dice":
    loss = dice(p_)
elif name == "tversky":
    tp, fp, fn = overlap(p_)
    al, be = p_.get("alpha", 0.5), p_.get("beta", 0.5)
    nr, dr = p_.get("smooth_nr", 1e-5), p_.get("smooth_dr", 1e-5)
    loss = (1 - (tp + nr) / (tp + al * fp + be * fn + dr)).mean()
elif name == "dice_ce":
    loss = p_.get("lambda_dice", 1.0) * dice(p_) + p_.get("lambda_ce", 1.0) * ce(p_)
elif name == "cross_entropy":
    loss = ce(p_)
elif name == "focal":
    logp = F.log_softmax(x, dim=1)
    logp_t = logp.gather(1, tt.unsqueeze(1)).squeeze(1)
    term = -((1 - logp_t.exp()) ** p_.get("gamma", 2.0)) * logp_t
    term = term[valid]
    loss = term.sum() / max(int(valid.sum()), 1)
else:
    raise SystemExit("unknown loss " + name)
loss.backward()
print(json.dumps({"loss": loss.item(), "grad": x.grad.reshape(-1).tolist()}))
