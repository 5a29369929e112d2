#!/usr/bin/env python3
"""breastmnist_peer_cv.py: the MedMNIST v2 paper's ResNet-18 (28) recipe, in plain
PyTorch, on medcnn's own cross-validation folds of BreastMNIST, so that the two are
compared on the same held-out images.

The recipe (MedMNIST v2, Yang et al. 2023, and its experiment code): ResNet-18
with a 3x3 stride-1 stem and no max pool (resnet18_peer.py's stem "small", 64
channels), one grey input channel normalised as (x / 255 - 0.5) / 0.5, no
augmentation, Adam lr 1e-3, batch 128, 100 epochs, the learning rate divided by
10 at epochs 50 and 75, cross-entropy; the epoch kept is the one with the best
validation AUC. fp32, what a PyTorch user gets by default.

The folds are read from a finished medcnn run (`medcnn train
configs/breastmnist_resnet18.toml --out RUN`): the held-out cases of fold k are the
ids in RUN/foldk/heldout_predictions.csv, its inner validation cases those in
RUN/foldk/member1/val_predictions.csv, and the rest of the 624 train+val images
train. Ids are "<split>_<index>", as medcnn names the rows of a .npz.

Scoring as medcnn's: held-out ROC AUC of the positive class (label 1,
scikit-learn) and accuracy at argmax, per fold, then mean and sample sd.

usage: breastmnist_peer_cv.py --npz ../shared/data/medmnist/breastmnist_trainval.npz
                              --folds-from RUN [--epochs 100] [--threads 2] [--seed 0]
Prints one JSON line.
"""
import argparse
import csv
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resnet18_peer import ResNet18  # noqa: E402


def ids_in(path):
    with open(path, newline="") as f:
        return [row["id"] for row in csv.DictReader(f)]


def load(npz):
    d = np.load(npz)
    images, labels = {}, {}
    for split in ("train", "val"):
        for i, (x, y) in enumerate(zip(d[split + "_images"], d[split + "_labels"].reshape(-1))):
            images[f"{split}_{i}"] = x
            labels[f"{split}_{i}"] = int(y)
    return images, labels


def tensors(ids, images, labels):
    x = torch.from_numpy(np.stack([images[i] for i in ids]).astype(np.float32))
    x = ((x / 255.0 - 0.5) / 0.5).unsqueeze(1)
    return x, torch.tensor([labels[i] for i in ids])


def scores(model, x):
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)


def run_fold(train, val, held, args):
    torch.manual_seed(args.seed)
    model = ResNet18(in_channels=1, num_classes=2, stem="small", width=64)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[args.epochs // 2, 3 * args.epochs // 4], gamma=0.1)
    x, y = train
    best_auc, best_epoch, best_state = -1.0, 0, None
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(y))
        for s in range(0, len(y), 128):
            b = order[s:s + 128]
            opt.zero_grad()
            F.cross_entropy(model(x[b]), y[b]).backward()
            opt.step()
        sched.step()
        auc = roc_auc_score(val[1].numpy(), scores(model, val[0])[:, 1].numpy())
        if auc > best_auc:
            best_auc, best_epoch = auc, epoch + 1
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    p = scores(model, held[0])
    return {"auc": float(roc_auc_score(held[1].numpy(), p[:, 1].numpy())),
            "accuracy": float((p.argmax(1) == held[1]).double().mean()),
            "best_epoch": best_epoch, "inner_val_auc": float(best_auc)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--npz", required=True)
    p.add_argument("--folds-from", required=True, help="a finished medcnn cross-validation run folder")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    images, labels = load(args.npz)
    folds = sorted(d for d in os.listdir(args.folds_from) if d.startswith("fold"))
    if not folds:
        sys.exit(f"{args.folds_from}: no fold folders (not a medcnn cross-validation run)")
    results, start = [], time.time()
    for fold in folds:
        held = ids_in(os.path.join(args.folds_from, fold, "heldout_predictions.csv"))
        val = ids_in(os.path.join(args.folds_from, fold, "member1", "val_predictions.csv"))
        unknown = [i for i in held + val if i not in images]
        if unknown:
            sys.exit(f"{args.folds_from}/{fold}: ids not in {args.npz}: {unknown[:3]}")
        taken = set(held) | set(val)
        train = [i for i in images if i not in taken]
        r = run_fold(tensors(train, images, labels), tensors(val, images, labels),
                     tensors(held, images, labels), args)
        r.update(fold=fold, train=len(train), val=len(val), held_out=len(held))
        results.append(r)
        print(json.dumps(r), file=sys.stderr, flush=True)
    summary = {k: {"mean": statistics.mean(r[k] for r in results), "sd": statistics.stdev(r[k] for r in results)}
               for k in ("auc", "accuracy")}
    print(json.dumps({"recipe": "MedMNIST v2 ResNet-18 (28)", "epochs": args.epochs, "threads": args.threads,
                      "minutes": (time.time() - start) / 60, "folds": results, **summary}))


if __name__ == "__main__":
    main()
