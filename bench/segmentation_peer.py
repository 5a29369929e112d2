#!/usr/bin/env python3
"""segmentation_peer.py: the PyTorch peer of bench/bench_segmentation.cpp.

What a PyTorch user writes for the same jobs, with the same network and tiling:
a U-Net (depth 4, 16/32/64/128 channels, two 3x3 conv + batch norm + ReLU per
level, 2x2 max pool, 2x2 transposed-convolution upsampling, skip first in the
concatenation, 1x1 head: medcnn's "unet" with width 16), and
  infer2d  sliding-window inference over a 584x565 one-channel image (the DRIVE
           size): windows 128x128, overlap 0.25, Gaussian weights (sigma 1/8 of
           the window, MONAI's importance map), 4 windows per forward, starts
           spaced as nnU-Net; the stitched output on the CPU; median of runs.
  infer3d  the same over a 62x128x128 volume with the 3-D U-Net, windows
           32x64x64, 2 per forward.
  train    patches/s of training: 64x64 patches cropped at random (half centred on
           foreground) from 16 in-memory 584x565 float images with binary masks, a
           torch.utils.data.DataLoader (batch 32, num_workers 0), Dice + cross-
           entropy, Adam (lr 1e-3); fp32, and for honesty bf16 autocast.
Modes with _jit use torch.jit.trace + freeze + optimize_for_inference.
usage: segmentation_peer.py --mode infer2d|infer2d_jit|infer3d|infer3d_jit|train|train_bf16
                            [--threads T] [--seconds S] [--min-runs R]
Prints one JSON line: the measurement and the network's parameter count.
"""
import argparse
import itertools
import json
import math
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(d):
    return {2: nn.Conv2d, 3: nn.Conv3d}[d]


def bn(d):
    return {2: nn.BatchNorm2d, 3: nn.BatchNorm3d}[d]


class DoubleConv(nn.Module):
    def __init__(self, d, cin, cout):
        super().__init__()
        self.block = nn.Sequential(conv(d)(cin, cout, 3, padding=1, bias=False), bn(d)(cout),
                                   nn.ReLU(inplace=True),
                                   conv(d)(cout, cout, 3, padding=1, bias=False), bn(d)(cout),
                                   nn.ReLU(inplace=True))

    def forward(self, x):
        return self.block(x)


class UNet(nn.Module):
    def __init__(self, d=2, cin=1, classes=2, width=16, depth=4):
        super().__init__()
        ch = [width << i for i in range(depth)]
        self.d = d
        self.enc = nn.ModuleList([DoubleConv(d, cin if i == 0 else ch[i - 1], ch[i])
                                  for i in range(depth)])
        up = {2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}[d]
        self.ups = nn.ModuleList([up(ch[i + 1], ch[i], 2, stride=2) for i in reversed(range(depth - 1))])
        self.decs = nn.ModuleList([DoubleConv(d, 2 * ch[i], ch[i]) for i in reversed(range(depth - 1))])
        self.head = conv(d)(ch[0], classes, 1)
        self.pool = {2: F.max_pool2d, 3: F.max_pool3d}[d]

    def forward(self, x):
        skips = []
        for i, e in enumerate(self.enc):
            if i > 0:
                x = self.pool(x, 2)
            x = e(x)
            skips.append(x)
        skips.pop()
        for up, dec in zip(self.ups, self.decs):
            x = up(x)
            x = dec(torch.cat([skips.pop(), x], 1))
        return self.head(x)


def steps(size, patch, overlap):
    if patch >= size:
        return [0]
    n = int(math.ceil((size - patch) / max(1.0, patch * (1 - overlap)))) + 1
    return [int(np.round((size - patch) * i / (n - 1))) for i in range(n)]


def gaussian(roi, sigma_scale=0.125):
    g = torch.ones(())
    for r in roi:
        x = torch.arange(r, dtype=torch.float32) - (r - 1) / 2.0
        g = g.unsqueeze(-1) * torch.exp(-(x * x) / (2 * (sigma_scale * r) ** 2))
    g = g / g.max()
    return torch.clamp(g, min=g[g > 0].min().item())


def sliding_window(net, image, roi, overlap, sw_batch):
    """MONAI-style: windows batched, Gaussian-weighted sum, divided by the weights."""
    size = image.shape[2:]
    weight = gaussian(roi)
    starts = list(itertools.product(*[steps(s, r, overlap) for s, r in zip(size, roi)]))
    out = None
    norm = torch.zeros(size)
    for b in range(0, len(starts), sw_batch):
        chunk = starts[b:b + sw_batch]
        slices = [tuple(slice(s, s + r) for s, r in zip(st, roi)) for st in chunk]
        windows = torch.cat([image[(slice(None), slice(None)) + sl] for sl in slices])
        pred = net(windows)
        if out is None:
            out = torch.zeros((image.shape[0], pred.shape[1]) + tuple(size))
        for k, sl in enumerate(slices):
            out[(slice(None), slice(None)) + sl] += pred[k:k + 1] * weight
            norm[sl] += weight
    return out / norm


def infer(mode, args):
    d = 3 if mode.startswith("infer3d") else 2
    torch.manual_seed(0)
    net = UNet(d=d).eval()
    if d == 2:
        image, roi, sw = torch.randn(1, 1, 584, 565), (128, 128), 4
    else:
        image, roi, sw = torch.randn(1, 1, 62, 128, 128), (32, 64, 64), 2
    model = net
    if mode.endswith("_jit"):
        with torch.no_grad():
            example = torch.randn((sw, 1) + roi)
            model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(net, example)))

    def run():
        with torch.no_grad():
            return torch.softmax(sliding_window(model, image, roi, 0.25, sw), 1)

    for _ in range(2):
        run()
    times = []
    end = time.perf_counter() + args.seconds
    while len(times) < args.min_runs or time.perf_counter() < end:
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(times), "runs": len(times),
            "params": sum(p.numel() for p in net.parameters())}


def dice_ce(logits, target):
    ce = F.cross_entropy(logits, target)
    p = torch.softmax(logits, 1)[:, 1]
    g = (target == 1).float()
    tp = (p * g).sum((1, 2))
    fp = (p * (1 - g)).sum((1, 2))
    fn = ((1 - p) * g).sum((1, 2))
    dice = 1 - (2 * tp + 1e-5) / (2 * tp + fp + fn + 1e-5)
    return dice.mean() + ce


class Patches(torch.utils.data.Dataset):
    def __init__(self, images, masks, n, patch=64):
        self.images, self.masks, self.n, self.patch = images, masks, n, patch
        self.rng = np.random.default_rng(0)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        k = self.rng.integers(len(self.images))
        img, m = self.images[k], self.masks[k]
        h, w = m.shape
        if self.rng.random() < 0.5:
            ys, xs = np.nonzero(m)
            j = self.rng.integers(len(ys))
            cy, cx = ys[j], xs[j]
        else:
            cy, cx = self.rng.integers(h), self.rng.integers(w)
        y0 = int(np.clip(cy - self.patch // 2, 0, h - self.patch))
        x0 = int(np.clip(cx - self.patch // 2, 0, w - self.patch))
        x = img[y0:y0 + self.patch, x0:x0 + self.patch]
        y = m[y0:y0 + self.patch, x0:x0 + self.patch]
        if self.rng.random() < 0.5:
            x, y = x[:, ::-1], y[:, ::-1]
        return torch.from_numpy(x.copy())[None], torch.from_numpy(y.astype(np.int64))


def train(mode, args):
    torch.manual_seed(0)
    rng = np.random.default_rng(1)
    images = [rng.standard_normal((584, 565)).astype(np.float32) for _ in range(16)]
    masks = [(rng.random((584, 565)) < 0.12).astype(np.uint8) for _ in range(16)]
    net = UNet(d=2).train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(Patches(images, masks, 10 ** 9), batch_size=32,
                                         num_workers=0)
    it = iter(loader)
    bf16 = mode == "train_bf16"

    def step():
        x, y = next(it)
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = net(x)
        loss = dice_ce(out.float(), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    n, t0 = 0, time.perf_counter()
    while n < args.min_runs or time.perf_counter() - t0 < args.seconds:
        loss = step()
        n += 1
    dt = time.perf_counter() - t0
    return {"patches_per_s": n * 32 / dt, "steps": n, "last_loss": loss,
            "params": sum(p.numel() for p in net.parameters())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--min-runs", type=int, default=5)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    r = train(args.mode, args) if args.mode.startswith("train") else infer(args.mode, args)
    r.update({"side": "pytorch", "mode": args.mode, "threads": torch.get_num_threads()})
    print(json.dumps(r))


if __name__ == "__main__":
    main()
