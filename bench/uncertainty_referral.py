#!/usr/bin/env python3
"""Does medcnn's uncertainty mean something on real data? Referral of the
10% most uncertain cases (BreastMNIST, out-of-fold) or pixels (DRIVE,
held-out images of each fold), from a finished cross-validation run.

usage:
  uncertainty_referral.py breastmnist CV_RUN NPZ OUT [--mc-samples 20] [--tta]
      For each fold: `medcnn predict` the fold's model over the pool with
      Monte-Carlo dropout, keep the fold's held-out cases (its
      heldout_predictions.csv), pool them (every case once, scored by the one
      model that never saw it), and `medcnn evaluate` the pooled CSV with
      temperature scaling fitted on the folds' inner validation predictions.
  uncertainty_referral.py drive CV_RUN MANIFEST OUT
      For each finished fold: `medcnn evaluate --model FOLD` on the fold's
      held-out images (from heldout_evaluation.json); pixel referral by the
      entropy of the foreground probability inside the field of view.
  uncertainty_referral.py boxes CV_RUN VOC_ROOT OUT [--tta] [--mc-samples N --drop-weights P]
      A localization or detection cross-validation on a Pascal VOC folder
      (BCCD): for each finished fold, `medcnn evaluate --model FOLD` on the
      fold's held-out images (a VOC view under OUT whose split "heldout"
      lists them) with the sampling options given; per fold and measure, the
      accuracy (localization: IoU >= 0.5; detection: precision at IoU 0.5 of
      the boxes with score >= 0.3) before and after referring the 10% most
      uncertain, and the mean gain over the folds.
Prints a JSON summary; medcnn does all the computing, this script only
selects rows and runs the program.
"""
import csv
import json
import os
import subprocess
import sys

MEDCNN = os.environ.get("MEDCNN", os.path.join(os.path.dirname(__file__), "..", "build", "bin", "medcnn"))


def run(args):
    subprocess.run([MEDCNN, "--threads", "2", "--log-level", "warn"] + args, check=True,
                   stdout=subprocess.DEVNULL)


def folds(cv):
    return sorted(d for d in os.listdir(cv) if d.startswith("fold") and
                  os.path.exists(os.path.join(cv, d, "done.json")))


def breastmnist(cv, npz, out, extra):
    os.makedirs(out, exist_ok=True)
    header, rows, val_rows = None, [], []
    for f in folds(cv):
        held = {r["id"] for r in csv.DictReader(open(os.path.join(cv, f, "heldout_predictions.csv")))}
        pred = os.path.join(out, f + "_mc.csv")
        run(["predict", "--model", os.path.join(cv, f), "--data", npz, "--split", "train,val",
             "--out", pred] + extra)
        with open(pred) as fh:
            r = list(csv.reader(fh))
        header = r[0]
        rows += [x for x in r[1:] if x[0] in held]
        with open(os.path.join(cv, f, "val_predictions.csv")) as fh:
            v = list(csv.reader(fh))
        val_header = v[0]
        val_rows += v[1:]
    pooled, val = os.path.join(out, "oof_mc.csv"), os.path.join(out, "inner_val.csv")
    csv.writer(open(pooled, "w", newline="")).writerows([header] + rows)
    csv.writer(open(val, "w", newline="")).writerows([val_header] + val_rows)
    run(["evaluate", "--predictions", pooled, "--temperature-from", val, "--bootstrap", "0",
         "--out", os.path.join(out, "eval")])
    u = json.load(open(os.path.join(out, "eval", "evaluation.json")))["uncertainty"]
    return {"cases": len(rows), "accuracy": u["accuracy"], "ece": u["calibration"]["ece"],
            "temperature": u.get("temperature"),
            "refer_10": {k: {"accuracy": v["accuracy_refer_10"], "gain": v["gain_refer_10"]}
                         for k, v in u["referral"].items()}}


def drive(cv, manifest, out):
    os.makedirs(out, exist_ok=True)
    base = os.path.dirname(os.path.abspath(manifest))
    with open(manifest) as fh:
        rows = list(csv.DictReader(fh))
    result = {}
    for f in folds(cv):
        ids = [c["id"] for c in json.load(open(os.path.join(cv, f, "heldout_evaluation.json")))["cases"]]
        sub = os.path.join(out, f + ".csv")
        with open(sub, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "image", "mask", "roi"])
            for r in rows:
                if r["id"] in ids:
                    w.writerow([r["id"]] + [os.path.normpath(os.path.join(base, r[k]))
                                            for k in ("image", "mask", "roi")])
        run(["evaluate", "--model", os.path.join(cv, f), "--data", sub, "--out",
             os.path.join(out, f)])
        u = json.load(open(os.path.join(out, f, "evaluation.json")))["uncertainty"]
        e = u["referral"]["entropy"]
        result[f] = {"images": ids, "pixels": u["pixels"], "accuracy": u["accuracy"],
                     "accuracy_refer_10": e["accuracy_refer_10"], "gain": e["gain_refer_10"]}
    return result


def boxes(cv, voc, out, extra):
    os.makedirs(out, exist_ok=True)
    result, gains = {}, {}
    for f in folds(cv):
        ids = [c["id"] for c in json.load(open(os.path.join(cv, f, "heldout_evaluation.json")))["cases"]]
        view = os.path.join(out, f + "_voc")
        os.makedirs(os.path.join(view, "ImageSets", "Main"), exist_ok=True)
        for d in ("JPEGImages", "Annotations"):
            if not os.path.exists(os.path.join(view, d)):
                os.symlink(os.path.abspath(os.path.join(voc, d)), os.path.join(view, d))
        with open(os.path.join(view, "ImageSets", "Main", "heldout.txt"), "w") as fh:
            fh.write("\n".join(sorted(set(ids))) + "\n")
        run(["evaluate", "--model", os.path.join(cv, f), "--data", view, "--split", "heldout",
             "--out", os.path.join(out, f)] + extra)
        e = json.load(open(os.path.join(out, f, "evaluation.json")))
        u = e["uncertainty"]
        result[f] = {"images": len(set(ids)), "samples": u["samples"], "accuracy": u["accuracy"],
                     "metrics": e["metrics"],
                     "refer_10": {k: v["accuracy_refer_10"] for k, v in u["referral"].items()}}
        for k, v in u["referral"].items():
            gains.setdefault(k, []).append(v["gain_refer_10"])
    result["mean_gain_refer_10"] = {k: sum(v) / len(v) for k, v in gains.items()}
    result["folds_improved"] = {k: sum(g > 0 for g in v) for k, v in gains.items()}
    return result


if __name__ == "__main__":
    kind, cv, data, out = sys.argv[1:5]
    if kind == "breastmnist":
        summary = breastmnist(cv, data, out, sys.argv[5:])
    elif kind == "boxes":
        summary = boxes(cv, data, out, sys.argv[5:])
    else:
        summary = drive(cv, data, out)
    print(json.dumps(summary, indent=2))
