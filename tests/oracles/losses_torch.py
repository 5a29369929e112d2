#!/usr/bin/env python3
"""Oracle: classification losses and their gradients computed by PyTorch (Python).

usage: losses_torch.py INPUT.json
INPUT: {"logits": [[...], ...], "target": [...], "loss": "cross_entropy"|"focal",
        "weight": [...] or null, "label_smoothing": s, "gamma": g}
Prints {"loss": value, "grad": [[d loss / d logits]]}.
Focal loss is written out from its definition (Lin et al. 2017, softmax form):
mean over the batch of -alpha_y (1 - p_y)^gamma log p_y.
"""
import json
import sys

import torch
import torch.nn.functional as F

a = json.load(open(sys.argv[1]))
x = torch.tensor(a["logits"], dtype=torch.float64, requires_grad=True)
t = torch.tensor(a["target"], dtype=torch.long)
w = torch.tensor(a["weight"], dtype=torch.float64) if a.get("weight") is not None else None
if a["loss"] == "cross_entropy":
    loss = F.cross_entropy(x, t, weight=w, label_smoothing=a.get("label_smoothing", 0.0))
else:
    logp = F.log_softmax(x, dim=1)
    logp_t = logp[torch.arange(len(t)), t]
    p_t = logp_t.exp()
    term = -((1 - p_t) ** a["gamma"]) * logp_t
    if w is not None:
        term = term * w[t]
    loss = term.mean()
loss.backward()
print(json.dumps({"loss": loss.item(), "grad": x.grad.tolist()}))
