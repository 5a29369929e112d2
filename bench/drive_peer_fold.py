#!/usr/bin/env python3
"""drive_peer_fold.py: the issue's plain PyTorch DRIVE recipe on one of medcnn's
cross-validation folds, so the two can be compared on the same held-out images.

The recipe the issue describes: a U-Net with 16/32/64/128 channels (the one in
segmentation_peer.py), 64x64 patches, CLAHE and gamma preprocessing, Adam,
binary cross-entropy, trained for a fixed wall-clock budget on the CPU in fp32.
Here: grey = 0.299 R + 0.587 G + 0.114 B, CLAHE (skimage equalize_adapthist,
clip 0.01), gamma 1.2; patches cropped at random positions (horizontal flips),
batch 32, Adam lr 1e-3, one output channel with BCE; trained on every image of
the manifest but the held-out ones (no inner validation: the last weights are
scored). Scoring as medcnn's: sliding-window probabilities (128x128 windows,
overlap 0.25, Gaussian weights) over each held-out image, pixels inside the
field of view pooled: ROC AUC (scikit-learn), F1 (= global Dice), accuracy at
p >= 0.5.

usage: drive_peer_fold.py --manifest configs/drive/drive_training.csv
                          --held-out 21,30,34,40 [--minutes 30] [--threads 2]
Prints one JSON line.
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from skimage.exposure import equalize_adapthist
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from segmentation_peer import UNet, sliding_window  # noqa: E402


def load(manifest):
    base = os.path.dirname(os.path.abspath(manifest))
    cases = {}
    with open(manifest, newline="") as f:
        for row in csv.DictReader(f):
            rgb = np.asarray(Image.open(os.path.join(base, row["image"])).convert("RGB"), np.float64)
            grey = (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]) / 255.0
            image = np.power(equalize_adapthist(grey, clip_limit=0.01), 1.2).astype(np.float32)
            mask = (np.asarray(Image.open(os.path.join(base, row["mask"])).convert("L")) > 127)
            fov = (np.asarray(Image.open(os.path.join(base, row["roi"])).convert("L")) > 127)
            cases[row["id"]] = (image, mask.astype(np.float32), fov)
    return cases


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--manifest", required=True)
    p.add_argument("--held-out", required=True)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    cases = load(args.manifest)
    held = args.held_out.split(",")
    train = [cases[k] for k in cases if k not in held]
    net = UNet(2, 1, 1, 16, 4)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    t0 = time.time()
    steps = 0
    net.train()
    while time.time() - t0 < 60 * args.minutes:
        xs, ys = [], []
        for _ in range(32):
            img, m, _ = train[rng.integers(len(train))]
            y0 = rng.integers(img.shape[0] - 64 + 1)
            x0 = rng.integers(img.shape[1] - 64 + 1)
            x, y = img[y0:y0 + 64, x0:x0 + 64], m[y0:y0 + 64, x0:x0 + 64]
            if rng.random() < 0.5:
                x, y = x[:, ::-1], y[:, ::-1]
            xs.append(x.copy())
            ys.append(y.copy())
        x = torch.from_numpy(np.stack(xs))[:, None]
        y = torch.from_numpy(np.stack(ys))[:, None]
        loss = F.binary_cross_entropy_with_logits(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    train_s = time.time() - t0
    net.eval()
    probs, labels = [], []
    with torch.no_grad():
        for k in held:
            img, m, fov = cases[k]
            logits = sliding_window(net, torch.from_numpy(img)[None, None], (128, 128), 0.25, 4)
            pr = torch.sigmoid(logits)[0, 0].numpy()
            probs.append(pr[fov])
            labels.append(m[fov] > 0.5)
    pr, lab = np.concatenate(probs), np.concatenate(labels)
    pred = pr >= 0.5
    tp, fp, fn = np.sum(pred & lab), np.sum(pred & ~lab), np.sum(~pred & lab)
    print(json.dumps({"held_out": held, "train_images": len(train), "minutes": train_s / 60,
                      "steps": steps, "patches_per_s": 32 * steps / train_s,
                      "auc": float(roc_auc_score(lab, pr)), "f1": float(2 * tp / (2 * tp + fp + fn)),
                      "accuracy": float(np.mean(pred == lab)),
                      "sensitivity": float(tp / (tp + fn)),
                      "specificity": float(np.sum(~pred & ~lab) / np.sum(~lab))}))


if __name__ == "__main__":
    main()
