#!/usr/bin/env python3
"""resnet18_peer.py: the PyTorch peer of bench/bench_resnet18.cpp.

What a PyTorch user writes for the same job: a torchvision-layout ResNet-18
(written here: torchvision is not installed), a Dataset over uint8 images held
in memory that converts each to float and normalises it per channel
((x - mean) / std, ImageNet statistics on the 0-255 scale), a
torch.utils.data.DataLoader (batch 32, shuffled, drop_last), SGD (lr 0.01,
momentum 0.9), cross-entropy, fp32 -- and, for honesty, the same loop under
CPU bf16 autocast. Inference: eval mode under torch.no_grad(), and, for
honesty, torch.jit.trace + torch.jit.freeze + torch.jit.optimize_for_inference,
and PyTorch's graph-mode int8 quantization (quantize_jit) with the observers
medcnn's int8 uses.

usage: resnet18_peer.py --size 28|224 [--threads T] [--images N] [--train-seconds S]
                        [--train-min-steps K] [--infer-seconds S] [--infer-min-runs R]
                        [--workers W] [--idle-wait S] [--json]
                        [--modes train,train_bf16,infer,infer_jit,infer_int8]

At 28 the stem is "small" (3x3 conv stride 1, no max pool, as CIFAR ResNets
and medcnn's stem = "small"); at 224 torchvision's (7x7 stride 2 + max pool).
3 input channels, 2 classes, weights from torch.manual_seed(0) (values do
not matter for speed). Training: one untimed warm-up of 2 steps, then steps
(each one batch from the loader: data loading included) until S seconds
and at least K steps have passed; images/s = images / time. Inference:
batch 1 and batch 32 of one normalised batch, 3 warm-up runs, then runs
until S seconds and at least R runs; the median latency is reported.
Before each timed part it waits (at most --idle-wait S seconds) until other
processes use under 10% of the CPUs for 3 s, and it reports the share of the
CPUs that other processes used while it ran (others_cpu, from /proc/stat).
Prints one JSON object per line with --json, else a readable line each.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = (123.675, 116.28, 103.53)
STD = (58.395, 57.12, 57.375)


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    def __init__(self, in_channels=3, num_classes=2, stem="imagenet", width=64):
        super().__init__()
        if stem == "imagenet":
            self.conv1 = nn.Conv2d(in_channels, width, 7, 2, 3, bias=False)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
        else:
            self.conv1 = nn.Conv2d(in_channels, width, 3, 1, 1, bias=False)
            self.maxpool = nn.Identity()
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        layers, inplanes = [], width
        for s in range(4):
            planes = width << s
            blocks = []
            for b in range(2):
                blocks.append(BasicBlock(inplanes, planes, 2 if (s > 0 and b == 0) else 1))
                inplanes = planes
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(inplanes, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class InMemoryImages(torch.utils.data.Dataset):
    """uint8 images [N, 3, H, W] and labels; each item normalised on access."""

    def __init__(self, images, labels):
        self.images, self.labels = images, labels
        self.mean = torch.tensor(MEAN).view(3, 1, 1)
        self.std = torch.tensor(STD).view(3, 1, 1)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x = self.images[i].float()
        return (x - self.mean) / self.std, int(self.labels[i])


def cpu_sample():
    """(busy, total) clock ticks of the machine and this process's own ticks."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    t = os.times()
    return busy, busy + v[3] + v[4], (t.user + t.system) * os.sysconf("SC_CLK_TCK")


def others_share(a, b):
    """Share (0..1) of all CPUs used by other processes between samples a and b."""
    total = b[1] - a[1]
    return max(0.0, ((b[0] - a[0]) - (b[2] - a[2])) / total) if total > 0 else 0.0


def wait_for_idle(max_seconds):
    """Waits until others use under 10% of the CPUs for 3 s in a row (at most max_seconds)."""
    t0, quiet = time.perf_counter(), 0
    while quiet < 3 and time.perf_counter() - t0 < max_seconds:
        a = cpu_sample()
        time.sleep(1)
        quiet = quiet + 1 if others_share(a, cpu_sample()) < 0.1 else 0
    return time.perf_counter() - t0


def make_data(n, size):
    g = torch.Generator().manual_seed(1)
    images = torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, 2, (n,), generator=g)
    return images, labels


def make_model(size):
    torch.manual_seed(0)
    return ResNet18(3, 2, "small" if size <= 64 else "imagenet")


def train(args, bf16):
    images, labels = make_data(args.images, args.size)
    loader = torch.utils.data.DataLoader(InMemoryImages(images, labels), batch_size=args.batch,
                                         shuffle=True, drop_last=True, num_workers=args.workers)
    model = make_model(args.size)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def batches():
        while True:
            for b in loader:
                yield b

    it = batches()

    def step():
        x, y = next(it)
        opt.zero_grad()
        if bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = F.cross_entropy(model(x), y)
        else:
            loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return float(loss)

    for _ in range(2):
        step()
    steps, losses = 0, []
    waited = wait_for_idle(args.idle_wait)
    c0 = cpu_sample()
    t0 = time.perf_counter()
    while True:
        losses.append(step())
        steps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= args.train_seconds and steps >= args.train_min_steps:
            break
    return {"steps": steps, "images": steps * args.batch, "seconds": elapsed,
            "images_per_s": steps * args.batch / elapsed, "last_loss": losses[-1],
            "others_cpu": others_share(c0, cpu_sample()), "idle_wait_s": waited}


def latency(fn, x, seconds, min_runs, idle_wait):
    for _ in range(3):
        fn(x)
    times = []
    waited = wait_for_idle(idle_wait)
    c0 = cpu_sample()
    t_end = time.perf_counter() + seconds
    while len(times) < min_runs or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t0)
    return {"runs": len(times), "median_ms": 1000 * statistics.median(times),
            "min_ms": 1000 * min(times), "others_cpu": others_share(c0, cpu_sample()),
            "idle_wait_s": waited}


def quantize_int8(model, x, calibration):
    """PyTorch's own graph-mode int8 path (torch.ao.quantization.quantize_jit)
    with the observers medcnn uses: per-tensor min/max quint8 activations
    (full range with VNNI, else 7 bits), per-channel symmetric qint8 weights;
    oneDNN engine."""
    from torch.ao.quantization import (MinMaxObserver, PerChannelMinMaxObserver, QConfig,
                                       quantize_jit)
    engines = torch.backends.quantized.supported_engines
    torch.backends.quantized.engine = next(e for e in ("onednn", "x86", "fbgemm", "qnnpack")
                                           if e in engines)
    # 7-bit activations on x86 CPUs without VNNI, as medcnn (int8_activation_max).
    flags = ""
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    vnni = " avx512_vnni" in flags or " avx_vnni" in flags
    qconfig = QConfig(activation=MinMaxObserver.with_args(reduce_range=not vnni),
                      weight=PerChannelMinMaxObserver.with_args(
                          dtype=torch.qint8, qscheme=torch.per_channel_symmetric))
    with torch.no_grad():
        traced = torch.jit.trace(model, x)
        return quantize_jit(traced, {"": qconfig}, lambda m, b: m(b), [calibration])


def infer(args, jit):
    model = make_model(args.size).eval()
    images, _ = make_data(args.batch, args.size)
    ds = InMemoryImages(images, torch.zeros(args.batch))
    batch = torch.stack([ds[i][0] for i in range(args.batch)])
    out = []
    for b in (1, args.batch):
        x = batch[:b].contiguous()
        if jit == "int8":
            m = quantize_int8(model, x, batch)

            def fn(t, m=m):
                with torch.no_grad():
                    return m(t)
        elif jit:
            with torch.no_grad():
                m = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, x)))

            def fn(t, m=m):
                with torch.no_grad():
                    return m(t)
        else:
            def fn(t):
                with torch.no_grad():
                    return model(t)
        r = latency(fn, x, args.infer_seconds, args.infer_min_runs, args.idle_wait)
        r["batch"] = b
        out.append(r)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--images", type=int, default=256)
    p.add_argument("--train-seconds", type=float, default=10)
    p.add_argument("--train-min-steps", type=int, default=3)
    p.add_argument("--infer-seconds", type=float, default=3)
    p.add_argument("--infer-min-runs", type=int, default=5)
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--idle-wait", type=float, default=0)
    p.add_argument("--modes", default="train,train_bf16,infer,infer_jit")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    common = {"side": "pytorch", "size": args.size, "threads": torch.get_num_threads(),
              "torch": torch.__version__}
    for mode in args.modes.split(","):
        if mode in ("train", "train_bf16"):
            rows = [dict(train(args, mode == "train_bf16"), batch=args.batch,
                         workers=args.workers)]
        elif mode in ("infer", "infer_jit", "infer_int8"):
            rows = infer(args, {"infer": False, "infer_jit": True, "infer_int8": "int8"}[mode])
        else:
            sys.exit("unknown mode " + mode)
        for r in rows:
            r = dict(common, mode=mode, **r)
            print(json.dumps(r) if args.json else r, flush=True)


if __name__ == "__main__":
    main()
