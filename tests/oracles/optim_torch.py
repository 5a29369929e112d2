#!/usr/bin/env python3
"""Oracle: parameters after N steps of a torch.optim optimiser on a fixed problem.

usage: optim_torch.py INPUT.json
INPUT: {"name": "sgd"|"adam"|"adamw"|"rmsprop", "options": {...torch kwargs...},
        "w0": [[...]], "x": [[...]], "y": [[...]], "steps": N}
Loss each step: mean((x @ w^T - y)^2). Prints {"w": [[...]]} after the steps.
"""
import json
import sys

import torch

a = json.load(open(sys.argv[1]))
w = torch.nn.Parameter(torch.tensor(a["w0"], dtype=torch.float32))
x = torch.tensor(a["x"], dtype=torch.float32)
y = torch.tensor(a["y"], dtype=torch.float32)
cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
       "rmsprop": torch.optim.RMSprop}[a["name"]]
opt = cls([w], **a["options"])
for _ in range(a["steps"]):
    opt.zero_grad()
    loss = ((x @ w.t() - y) ** 2).mean()
    loss.backward()
    opt.step()
print(json.dumps({"w": w.detach().tolist()}))
