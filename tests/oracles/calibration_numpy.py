#!/usr/bin/env python3
"""Oracle: calibration, temperature scaling, referral and sample-uncertainty numbers,
computed independently with numpy, scipy and scikit-learn.

usage: calibration_numpy.py INPUT.json
INPUT holds any of these lists of cases (each answered in a list of the same name):
  "top_label":   [{"y": [int], "p": [[float]*k], "n_bins": b}]
      numpy top-label reliability bins, written as in Guo et al.'s reference code
      (gpleiss/temperature_scaling): bin (lo, hi] = conf > lo and conf <= hi over
      np.linspace(0, 1, b + 1), conf == 0 added to the first bin; ECE, MCE.
  "curve":       [{"y": [0/1], "p": [float], "n_bins": b}]
      sklearn.calibration.calibration_curve(strategy="uniform").
  "temperature": [{"z": [[float]*k], "y": [int], "apply_T": t}]
      T minimising the mean NLL of softmax(z / T): scipy.optimize.minimize_scalar
      (method="bounded", bounds (0.05, 20), xatol 1e-11); scipy.special.softmax(z / t).
  "scores":      [{"p": [[float]*k], "y": [int]}]
      sklearn.metrics.log_loss(eps=1e-15, labels=range(k)); numpy multi-class Brier
      score; for k == 2 also sklearn.metrics.brier_score_loss(y, p[:, 1]).
  "samples":     [[[float]*k] * T]
      textbook predictive entropy (scipy.stats.entropy), expected entropy, mutual
      information, np.var(axis=0).mean() (ddof 0), bincount vote.
  "referral":    [{"correct": [0/1], "u": [float], "fractions": [float]}]
      keep the ceil(f * n - 1e-9) (at least 1) lowest np.argsort(u, kind="stable").
Prints one JSON object (NaN written as null).
"""
import json
import math
import sys
import warnings

import numpy as np

from oracle_common import clean

warnings.simplefilter("ignore")

spec = json.load(open(sys.argv[1]))
out = {}


def top_label(case):
    y = np.asarray(case["y"], dtype=int)
    P = np.asarray(case["p"], dtype=float)
    nb = int(case["n_bins"])
    conf = P.max(axis=1)
    correct = (P.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, nb + 1)
    bins, ece, mce = [], 0.0, 0.0
    for b in range(nb):
        lo, hi = edges[b], edges[b + 1]
        inside = (conf > lo) & (conf <= hi)
        if b == 0:
            inside |= conf == 0
        cnt = int(inside.sum())
        if cnt:
            mc, acc = conf[inside].mean(), correct[inside].mean()
            gap = abs(acc - mc)
            ece += cnt / len(y) * gap
            mce = max(mce, gap)
        else:
            mc = acc = float("nan")
        bins.append({"lower": lo, "upper": hi, "count": cnt, "mean_confidence": mc,
                     "accuracy": acc})
    return {"bins": bins, "ece": ece, "mce": mce, "n": len(y)}


def curve(case):
    from sklearn.calibration import calibration_curve
    pt, pp = calibration_curve(np.asarray(case["y"], dtype=int),
                               np.asarray(case["p"], dtype=float),
                               n_bins=int(case["n_bins"]), strategy="uniform")
    return {"prob_true": pt, "prob_pred": pp}


def temperature(case):
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax, softmax
    Z = np.asarray(case["z"], dtype=float)
    y = np.asarray(case["y"], dtype=int)

    def nll(t):
        return -log_softmax(Z / t, axis=1)[np.arange(len(y)), y].mean()

    r = minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded",
                        options={"xatol": 1e-11, "maxiter": 2000})
    res = {"T": r.x, "nll_at_T": r.fun, "nll_at_1": nll(1.0)}
    if case.get("apply_T") is not None:
        res["applied"] = softmax(Z / float(case["apply_T"]), axis=1)
    return res


def scores(case):
    from sklearn.metrics import brier_score_loss, log_loss
    P = np.asarray(case["p"], dtype=float)
    y = np.asarray(case["y"], dtype=int)
    k = P.shape[1]
    onehot = np.eye(k)[y]
    res = {"nll": log_loss(y, P, eps=1e-15, labels=list(range(k))),
           "brier": ((P - onehot) ** 2).sum(axis=1).mean()}
    if k == 2:
        res["brier_sklearn_binary"] = brier_score_loss(y, P[:, 1])
    return res


def samples(rows):
    from scipy.stats import entropy
    S = np.asarray(rows, dtype=float)
    mean = S.mean(axis=0)
    h = entropy(mean)
    eh = np.mean([entropy(r) for r in S])
    votes = np.bincount(S.argmax(axis=1), minlength=S.shape[1])
    vote = int(votes.argmax())
    return {"mean": mean, "entropy": h, "expected_entropy": eh,
            "mutual_information": max(0.0, h - eh), "variance": S.var(axis=0).mean(),
            "vote": vote, "vote_agreement": votes[vote] / len(S)}


def referral(case):
    c = np.asarray(case["correct"], dtype=float)
    u = np.asarray(case["u"], dtype=float)
    order = np.argsort(u, kind="stable")
    n = len(c)
    acc, kept = [], []
    for f in case["fractions"]:
        keep = max(1, int(math.ceil(f * n - 1e-9)))
        kept.append(keep)
        acc.append(c[order[:keep]].mean())
    return {"accuracy": acc, "retained": kept, "accuracy_all": c.mean()}


for name, fn in (("top_label", top_label), ("curve", curve), ("temperature", temperature),
                 ("scores", scores), ("samples", samples), ("referral", referral)):
    if name in spec:
        out[name] = [fn(case) for case in spec[name]]

print(json.dumps(clean(out)))
