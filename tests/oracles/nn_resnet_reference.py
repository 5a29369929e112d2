#!/usr/bin/env python3
"""Oracle: a pure-PyTorch ResNet-18 (He et al. 2016, torchvision's layout,
written here without torchvision) run in eval mode on given weights.

usage: nn_resnet_reference.py CASE_DIR [CASE_DIR ...]
Each CASE_DIR holds weights.npz (every parameter and buffer by its state-dict
name: stem.conv.weight, stem.bn.running_mean, layer1.0.conv1.weight, ...,
head.fc.bias), input.npz (array "x": float32 [B, C, spatial...]) and meta.json
{"dims": 1|2|3, "stem": "imagenet"|"small", "width": 64}.
Prints {"CASE_DIR": {"logits": [[...], ...], "params": N}, ...}: the logits of
the reference network and its parameter count.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
BN = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}
POOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}


class BasicBlock(nn.Module):
    def __init__(self, d, inplanes, planes, stride):
        super().__init__()
        self.conv1 = CONV[d](inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = BN[d](planes)
        self.conv2 = CONV[d](planes, planes, 3, 1, 1, bias=False)
        self.bn2 = BN[d](planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(CONV[d](inplanes, planes, 1, stride, bias=False),
                                            BN[d](planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + identity)


class Stem(nn.Module):
    def __init__(self, d, cin, width, kind):
        super().__init__()
        if kind == "imagenet":
            self.conv = CONV[d](cin, width, 7, 2, 3, bias=False)
            self.pool = POOL[d](3, 2, 1)
        else:
            self.conv = CONV[d](cin, width, 3, 1, 1, bias=False)
            self.pool = None
        self.bn = BN[d](width)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return x if self.pool is None else self.pool(x)


class Head(nn.Module):
    def __init__(self, cin, classes):
        super().__init__()
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(torch.flatten(x, 2).mean(2))


class ResNet18(nn.Module):
    def __init__(self, d, cin, classes, width, stem):
        super().__init__()
        self.stem = Stem(d, cin, width, stem)
        inplanes = width
        for i in range(4):
            planes = width * 2 ** i
            stride = 1 if i == 0 else 2
            layer = nn.Sequential(BasicBlock(d, inplanes, planes, stride),
                                  BasicBlock(d, planes, planes, 1))
            setattr(self, "layer%d" % (i + 1), layer)
            inplanes = planes
        self.head = Head(inplanes, classes)

    def forward(self, x):
        x = self.stem(x)
        for i in range(4):
            x = getattr(self, "layer%d" % (i + 1))(x)
        return self.head(x)


def run(case):
    meta = json.load(open(os.path.join(case, "meta.json")))
    weights = dict(np.load(os.path.join(case, "weights.npz")))
    x = torch.from_numpy(np.load(os.path.join(case, "input.npz"))["x"])
    d = int(meta["dims"])
    classes = weights["head.fc.weight"].shape[0]
    net = ResNet18(d, x.shape[1], classes, int(meta.get("width", 64)), meta.get("stem", "imagenet"))
    state = {k: torch.from_numpy(v) for k, v in weights.items()}
    net.load_state_dict(state, strict=True)  # every name must match, both ways
    net.eval()
    with torch.no_grad():
        logits = net(x.float())
    return {"logits": logits.double().tolist(),
            "params": sum(p.numel() for p in net.parameters())}


if __name__ == "__main__":
    torch.set_num_threads(1)
    print(json.dumps({case: run(case) for case in sys.argv[1:]}))
