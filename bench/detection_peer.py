#!/usr/bin/env python3
"""detection_peer.py: the PyTorch peer of bench/bench_detection.cpp.

What a PyTorch user writes for the same job with the same network: medcnn's
"centernet" (src/medcnn/nn/nets/centernet.cpp) as configs/bccd_detection.toml
builds it (3 input channels, K = 3 classes, width 32, neck_width 64, blocks
[2, 2, 2, 2]), written in torch.nn from that file's description:
  encoder  stem: 7x7 conv stride 2 (no bias) + batch norm + ReLU + 3x3 max pool
           stride 2; layer1..layer4: ResNet basic blocks (3x3 conv-bn-relu,
           3x3 conv-bn, + identity or 1x1 conv stride s + bn, ReLU), 32/64/
           128/256 channels, strides 4/8/16/32;
  neck     1x1 lateral convolutions (with bias) to 64 channels; from the
           deepest level down: nearest upsampling to the finer level's exact
           size, + its lateral, 3x3 conv (no bias) + bn + ReLU smoothing;
  heads    heatmap (3x3 conv + ReLU + 1x1 conv to K, + log(0.1 / 0.9)) and
           box (3x3 conv + ReLU + 1x1 conv to 4), concatenated: [B, K + 4,
           H/4, W/4].
Modes
  eager    forward under torch.no_grad(), eval mode;
  jit      torch.jit.trace + freeze + optimize_for_inference on the measured
           shape, then forward under no_grad;
  predict  eager forward + decoding, the same steps as medcnn's
           decode_detections (tasks/detection.h): sigmoid, 3x3 max-pool peaks,
           top 100 over classes with score >= --score-threshold, boxes from
           the log sizes and offsets, class-aware greedy NMS at IoU 0.5
           (torchvision is not installed: written with torch ops).
Input: a random [B, 3, H, W] batch; fp32 (medcnn's predict runs fp32).
usage: detection_peer.py --mode eager|jit|predict --width W --height H --batch B
                         [--threads T] [--seconds S] [--min-runs R]
                         [--score-threshold P] [--expect-params N]
Prints one JSON line: median ms per batch, images/s, parameter count. With
--expect-params it exits non-zero unless the count equals N (medcnn's).
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + identity)


class CenterNet(nn.Module):
    def __init__(self, cin=3, classes=3, width=32, neck_width=64, blocks=(2, 2, 2, 2)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, width, 7, 2, 3, bias=False),
                                  nn.BatchNorm2d(width), nn.ReLU(inplace=True),
                                  nn.MaxPool2d(3, 2, 1))
        layers, channels, c = [], [], width
        for s, n in enumerate(blocks):
            planes = width << s
            layers.append(nn.Sequential(*[BasicBlock(c if b == 0 else planes, planes,
                                                     2 if (s > 0 and b == 0) else 1)
                                          for b in range(n)]))
            c = planes
            channels.append(planes)
        self.layers = nn.ModuleList(layers)
        self.lateral = nn.ModuleList([nn.Conv2d(ch, neck_width, 1) for ch in channels])
        # Smoothing for every level but the deepest (a lateral projection only).
        self.smooth = nn.ModuleList([
            nn.Sequential(nn.Conv2d(neck_width, neck_width, 3, 1, 1, bias=False),
                          nn.BatchNorm2d(neck_width), nn.ReLU(inplace=True))
            for _ in channels[:-1]])

        def branch(out):
            return nn.Sequential(nn.Conv2d(neck_width, neck_width, 3, 1, 1), nn.ReLU(inplace=True),
                                 nn.Conv2d(neck_width, out, 1))
        self.heatmap = branch(classes)
        self.box = branch(4)
        for head in (self.heatmap, self.box):  # the paper's head init, as medcnn
            nn.init.normal_(head[2].weight, 0, 0.01)
            nn.init.zeros_(head[2].bias)
        self.prior = math.log(0.1 / 0.9)

    def forward(self, x):
        x = self.stem(x)
        c = []
        for layer in self.layers:
            x = layer(x)
            c.append(x)
        p = self.lateral[-1](c[-1])
        for s in range(len(c) - 2, -1, -1):
            up = F.interpolate(p, size=c[s].shape[2:], mode="nearest")
            p = self.smooth[s](up + self.lateral[s](c[s]))
        return torch.cat([self.heatmap(p) + self.prior, self.box(p)], 1)


def box_iou(a, b):
    """IoU matrix of boxes [N, 4] and [M, 4] (x0, y0, x1, y1)."""
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(2)
    area_a = (a[:, 2:] - a[:, :2]).prod(1)
    area_b = (b[:, 2:] - b[:, :2]).prod(1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def decode(out, k, input_size, score_threshold=0.01, max_detections=100, nms_iou=0.5):
    """Per image: (boxes [N, 4] x0 y0 x1 y1, scores [N], labels [N]), as decode_detections."""
    h, w = input_size
    gh, gw = out.shape[2:]
    sy, sx = h / gh, w / gw
    heat = torch.sigmoid(out[:, :k])
    peaks = heat * (F.max_pool2d(heat, 3, 1, 1) == heat).float()
    cells = gh * gw
    result = []
    for i in range(out.shape[0]):
        scores, index = peaks[i].reshape(-1).topk(min(max_detections, peaks[i].numel()))
        keep = (scores >= score_threshold) & (scores > 0)
        scores, index = scores[keep], index[keep]
        labels, cell = index // cells, index % cells
        py, px = (cell // gw).float(), (cell % gw).float()
        reg = out[i, k:].reshape(4, -1)[:, cell]  # log w, log h, offset x, offset y
        cx, cy = (px + reg[2]) * sx, (py + reg[3]) * sy
        bw, bh = torch.exp(reg[0]) * sx, torch.exp(reg[1]) * sy
        boxes = torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
        # Class-aware greedy NMS (scores already sorted, topk is descending).
        iou = box_iou(boxes, boxes)
        same = labels[:, None] == labels[None, :]
        suppress = ((iou > nms_iou) & same).tolist()
        kept = []
        for j in range(len(suppress)):
            if not any(suppress[q][j] for q in kept):
                kept.append(j)
        kept = torch.tensor(kept, dtype=torch.long)
        result.append((boxes[kept], scores[kept], labels[kept]))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True, choices=["eager", "jit", "predict"])
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--min-runs", type=int, default=5)
    ap.add_argument("--score-threshold", type=float, default=0.01)
    ap.add_argument("--expect-params", type=int, default=-1)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = CenterNet().eval()
    params = sum(p.numel() for p in net.parameters())
    print(f"pytorch centernet parameters: {params}", file=sys.stderr)
    if args.expect_params >= 0 and params != args.expect_params:
        print(f"parameter count {params} != medcnn's {args.expect_params}", file=sys.stderr)
        sys.exit(3)
    torch.manual_seed(1)
    x = torch.randn(args.batch, 3, args.height, args.width)
    model = net
    if args.mode == "jit":
        with torch.no_grad():
            model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(net, x)))
    boxes = [0]

    def run():
        with torch.no_grad():
            y = model(x)
            if args.mode == "predict":
                found = decode(y, 3, (args.height, args.width), args.score_threshold)
                boxes[0] = sum(len(f[1]) for f in found)

    for _ in range(2):
        run()
    times = []
    end = time.perf_counter() + args.seconds
    while len(times) < args.min_runs or time.perf_counter() < end:
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    r = {"side": "pytorch", "mode": args.mode, "width": args.width, "height": args.height,
         "batch": args.batch, "median_ms": ms, "images_per_s": args.batch * 1000.0 / ms,
         "runs": len(times), "params": params, "threads": torch.get_num_threads()}
    if args.mode == "predict":
        r["boxes"] = boxes[0]
    print(json.dumps(r))


if __name__ == "__main__":
    main()
