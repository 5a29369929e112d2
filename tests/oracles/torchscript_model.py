#!/usr/bin/env python3
"""Oracle: writes a TorchScript model whose parameter names match the tests' ToyNet
(conv: Conv2d(1, 4, 3, padding=1); head: Linear(4, K)) and prints its weights.

usage: torchscript_model.py OUT.pt K
Prints {"conv.weight": [flat values], "conv.bias": [...], "head.weight": [...], "head.bias": [...]}.
"""
import json
import sys

import torch


class Toy(torch.nn.Module):
    def __init__(self, k):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.head = torch.nn.Linear(4, k)

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)).mean((2, 3)))


torch.manual_seed(123)
m = torch.jit.script(Toy(int(sys.argv[2])))
m.save(sys.argv[1])
print(json.dumps({n: p.detach().flatten().tolist() for n, p in m.named_parameters()}))
