#!/usr/bin/env python3
"""Oracle: learning rate at the start of each epoch from torch.optim.lr_scheduler.

usage: schedule_torch.py INPUT.json
INPUT: {"name": "step"|"multistep"|"cosine"|"plateau", "lr": base, "epochs": E,
        "step_size", "milestones", "gamma", "min_lr", "factor", "patience",
        "threshold", "cooldown", "metrics": [one value per epoch, plateau only]}
Prints {"lr": [lr used in epoch 0, 1, ..., E-1]}.
"""
import json
import sys

import torch

a = json.load(open(sys.argv[1]))
p = torch.nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=a["lr"])
name = a["name"]
if name == "step":
    s = torch.optim.lr_scheduler.StepLR(opt, a["step_size"], a.get("gamma", 0.1))
elif name == "multistep":
    s = torch.optim.lr_scheduler.MultiStepLR(opt, a["milestones"], a.get("gamma", 0.1))
elif name == "cosine":
    s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a["epochs"], a.get("min_lr", 0.0))
else:
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="max", factor=a["factor"], patience=a["patience"], threshold=a["threshold"],
        cooldown=a.get("cooldown", 0), min_lr=a.get("min_lr", 0.0))
lrs = []
for e in range(a["epochs"]):
    lrs.append(opt.param_groups[0]["lr"])
    opt.step()
    if name == "plateau":
        s.step(a["metrics"][e])
    else:
        s.step()
print(json.dumps({"lr": lrs}))
