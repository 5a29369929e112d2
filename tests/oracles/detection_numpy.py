#!/usr/bin/python3
"""Oracle: detection metrics in numpy, written independently of medcnn.

usage:
  detection_numpy.py evaluate INPUT.json
      INPUT: {"detection": [case...], "froc": [case...], "localization": [case...]}
      a box is {"lo": [..], "hi": [..], "label": int, "score": float};
      detection case: {"num_classes", "max_detections", "predictions": [[box]],
                       "ground_truth": [[box]]}
      froc case:      {"predictions": [[box]], "ground_truth": [[box]]}
      localization:   {"predicted": [box], "truth": [box], "spacing": [[sx,sy,sz]] or [],
                       "require_class": bool}
  detection_numpy.py write-coco OUT.json
      writes a COCO dataset with Python's json module and prints what it holds,
      in medcnn's Box convention (lo = x, hi = x + width).
  detection_numpy.py read-coco PATH
      reads a COCO dataset or results list with Python's json module and prints
      it per image file name (or image id for results).

Detection follows pycocotools' COCOeval (evaluate -> evaluateImg, accumulate,
summarize; iouType "bbox", useCats=1, one area range "all", maxDets = the
case's max_detections, no crowd boxes), re-implemented from its published
algorithm (pycocotools is not installed). IoU is computed from the box corners
(lo, hi) in 2-D or 3-D, as maskApi's bbIou does from x, y, w, h. Also the
PASCAL VOC 2010+ all-points AP (devkit VOCevalap) over the same matches.

FROC, after the CAMELYON16 evaluation script (Evaluation_FROC.py: per image,
the probabilities of the false positives and, per lesion, the highest
probability of a prediction that hits it; then FP/image and sensitivity at
every probability threshold), with medcnn's documented choices: a hit is
IoU >= 0.5 or the prediction's centre inside the lesion box (bounds
included); thresholds are the distinct prediction scores plus a first point
(0, 0); sensitivity at 1/8..8 FP/image is the best sensitivity at
FP/image <= rate (a step, no interpolation).
"""
import json
import sys

import numpy as np

from oracle_common import clean

NAN = float("nan")


# ----------------------------------------------------------------- boxes ----

def corners(boxes):
    """list of box dicts -> (lo, hi) arrays of shape [n, d]."""
    if not boxes:
        return np.zeros((0, 1)), np.zeros((0, 1))
    return (np.array([b["lo"] for b in boxes], dtype=float),
            np.array([b["hi"] for b in boxes], dtype=float))


def iou_matrix(dts, gts):
    """[len(dts), len(gts)] IoU, intersection / union, 0 where union is 0."""
    if not dts or not gts:
        return np.zeros((len(dts), len(gts)))
    dlo, dhi = corners(dts)
    glo, ghi = corners(gts)
    w = np.minimum(dhi[:, None, :], ghi[None, :, :]) - np.maximum(dlo[:, None, :], glo[None, :, :])
    inter = np.prod(np.maximum(w, 0.0), axis=2)
    dvol = np.prod(np.maximum(dhi - dlo, 0.0), axis=1)
    gvol = np.prod(np.maximum(ghi - glo, 0.0), axis=1)
    union = dvol[:, None] + gvol[None, :] - inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    return out


# ---------------------------------------------------------- COCOeval ----

class CocoEval:
    def __init__(self, predictions, ground_truth, num_classes, max_det):
        self.img_ids = list(range(len(ground_truth)))
        self.cat_ids = list(range(num_classes))
        self.max_det = max_det
        self.iou_thrs = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
        self.rec_thrs = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
        self.gts, self.dts = {}, {}
        for i in self.img_ids:
            for c in self.cat_ids:
                self.gts[i, c] = [g for g in ground_truth[i] if g["label"] == c]
                self.dts[i, c] = [d for d in predictions[i] if d["label"] == c]

    def compute_iou(self, i, c):
        gt, dt = self.gts[i, c], self.dts[i, c]
        if len(gt) == 0 and len(dt) == 0:
            return []
        inds = np.argsort([-d["score"] for d in dt], kind="mergesort")
        dt = [dt[k] for k in inds]
        dt = dt[0:self.max_det]
        return iou_matrix(dt, gt)

    def evaluate_img(self, i, c):
        gt, dt = self.gts[i, c], self.dts[i, c]
        if len(gt) == 0 and len(dt) == 0:
            return None
        g_ignore = np.zeros(len(gt), dtype=int)  # no crowd, area range "all"
        gtind = np.argsort(g_ignore, kind="mergesort")
        gt = [gt[k] for k in gtind]
        dtind = np.argsort([-d["score"] for d in dt], kind="mergesort")
        dt = [dt[k] for k in dtind[0:self.max_det]]
        ious = self.compute_iou(i, c)
        ious = ious[:, gtind] if len(ious) > 0 else ious
        T, G, D = len(self.iou_thrs), len(gt), len(dt)
        gtm = np.zeros((T, G))
        dtm = np.zeros((T, D))
        gt_ig = g_ignore[gtind]
        dt_ig = np.zeros((T, D))
        if len(ious) != 0:
            for tind, t in enumerate(self.iou_thrs):
                for dind in range(D):
                    iou = min([t, 1 - 1e-10])
                    m = -1
                    for gind in range(G):
                        if gtm[tind, gind] > 0:
                            continue
                        if m > -1 and gt_ig[m] == 0 and gt_ig[gind] == 1:
                            break
                        if ious[dind, gind] < iou:
                            continue
                        iou = ious[dind, gind]
                        m = gind
                    if m == -1:
                        continue
                    dt_ig[tind, dind] = gt_ig[m]
                    dtm[tind, dind] = m + 1          # a ground-truth id (>= 1)
                    gtm[tind, m] = dind + 1
        return {"dtMatches": dtm, "dtScores": [d["score"] for d in dt], "gtIgnore": gt_ig,
                "dtIgnore": dt_ig}

    def accumulate(self):
        T, R, K = len(self.iou_thrs), len(self.rec_thrs), len(self.cat_ids)
        self.precision = -np.ones((T, R, K))
        self.recall = -np.ones((T, K))
        self.pooled = {}  # (k, t) -> tp flags and scores in pooled order, npig
        self.voc = -np.ones((T, K))
        for k in self.cat_ids:
            E = [self.evaluate_img(i, k) for i in self.img_ids]
            E = [e for e in E if e is not None]
            if len(E) == 0:
                continue
            dt_scores = np.concatenate([e["dtScores"][0:self.max_det] for e in E])
            inds = np.argsort(-dt_scores, kind="mergesort")
            dt_scores_sorted = dt_scores[inds]
            dtm = np.concatenate([e["dtMatches"][:, 0:self.max_det] for e in E], axis=1)[:, inds]
            dt_ig = np.concatenate([e["dtIgnore"][:, 0:self.max_det] for e in E], axis=1)[:, inds]
            gt_ig = np.concatenate([e["gtIgnore"] for e in E])
            npig = np.count_nonzero(gt_ig == 0)
            for t in range(T):
                self.pooled[k, t] = (np.logical_and(dtm[t], np.logical_not(dt_ig[t])).astype(int),
                                     dt_scores_sorted, npig)
            if npig == 0:
                continue
            tps = np.logical_and(dtm, np.logical_not(dt_ig))
            fps = np.logical_and(np.logical_not(dtm), np.logical_not(dt_ig))
            tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
            fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
            for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
                tp = np.array(tp)
                fp = np.array(fp)
                nd = len(tp)
                rc = tp / npig
                pr = tp / (fp + tp + np.spacing(1))
                q = np.zeros((R,))
                self.recall[t, k] = rc[-1] if nd else 0
                self.voc[t, k] = voc_ap(rc, tp / np.maximum(tp + fp, np.finfo(float).eps))
                pr = pr.tolist()
                q = q.tolist()
                for i in range(nd - 1, 0, -1):
                    if pr[i] > pr[i - 1]:
                        pr[i - 1] = pr[i]
                inds = np.searchsorted(rc, self.rec_thrs, side="left")
                try:
                    for ri, pi in enumerate(inds):
                        q[ri] = pr[pi]
                except IndexError:
                    pass
                self.precision[t, :, k] = np.array(q)

    def summarize(self, t=None):
        s = self.precision if t is None else self.precision[[t]]
        return float(np.mean(s[s > -1])) if len(s[s > -1]) else NAN


def voc_ap(rec, prec):
    """PASCAL VOC devkit (2010+) VOCevalap: area under the monotone envelope."""
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def evaluate_detection(case):
    K = case["num_classes"]
    ev = CocoEval(case["predictions"], case["ground_truth"], K, case["max_detections"])
    ev.accumulate()
    out = {"ap50": [], "ap50_95": [], "ap_per_threshold": [], "voc50": [], "precision50": [],
           "recall50": [], "tp50": [], "scores50": [], "tp75": [], "n_gt": []}
    for k in range(K):
        p = ev.precision[:, :, k]
        has = bool((p > -1).all())
        out["ap50"].append(float(np.mean(p[0])) if has else NAN)
        out["ap50_95"].append(float(np.mean(p)) if has else NAN)
        out["ap_per_threshold"].append([float(np.mean(p[t])) if has else NAN
                                        for t in range(p.shape[0])])
        out["voc50"].append(float(ev.voc[0, k]) if has else NAN)
        tp, scores, npig = ev.pooled.get((k, 0), (np.zeros(0, int), np.zeros(0), 0))
        tp75 = ev.pooled.get((k, 5), (np.zeros(0, int), None, 0))[0]
        out["tp50"].append(tp.tolist())
        out["tp75"].append(tp75.tolist())
        out["scores50"].append(list(map(float, scores)))
        out["n_gt"].append(int(npig))
        out["precision50"].append(float(tp.sum() / len(tp)) if len(tp) else NAN)
        out["recall50"].append(float(tp.sum() / npig) if npig else NAN)
    out["map50"] = ev.summarize(0)
    out["map50_95"] = ev.summarize()
    return out


# --------------------------------------------------------------- FROC ----

def hits(preds, lesions, rule):
    """[len(preds), len(lesions)] bool: prediction hits lesion."""
    if rule == "iou":
        return iou_matrix(preds, lesions) >= 0.5
    if not preds or not lesions:
        return np.zeros((len(preds), len(lesions)), dtype=bool)
    plo, phi = corners(preds)
    llo, lhi = corners(lesions)
    c = (plo + phi) / 2
    inside = (c[:, None, :] >= llo[None, :, :]) & (c[:, None, :] <= lhi[None, :, :])
    return inside.all(axis=2)


def froc(case, rule):
    fp_probs, tp_probs, all_probs = [], [], []
    n_images = len(case["ground_truth"])
    for preds, lesions in zip(case["predictions"], case["ground_truth"]):
        h = hits(preds, lesions, rule)
        probs = np.array([p["score"] for p in preds], dtype=float)
        all_probs.extend(probs.tolist())
        fp_probs.extend(probs[~h.any(axis=1)].tolist() if len(preds) else [])
        for j in range(len(lesions)):  # the best probability on each lesion, -inf if missed
            tp_probs.append(float(probs[h[:, j]].max()) if h[:, j].any() else -np.inf)
    fp_probs, tp_probs = np.array(fp_probs), np.array(tp_probs)
    thresholds = sorted(set(all_probs), reverse=True)
    n_lesions = len(tp_probs)
    fps = [0.0] + [float((fp_probs >= t).sum()) / n_images for t in thresholds]
    sens = [0.0 if n_lesions else NAN] + [
        float((tp_probs >= t).sum()) / n_lesions if n_lesions else NAN for t in thresholds]
    rates = [0.125, 0.25, 0.5, 1, 2, 4, 8]
    at = []
    for r in rates:
        ok = [s for f, s in zip(fps, sens) if f <= r]
        at.append(max(ok) if n_lesions else NAN)
    return {"fp_per_image": fps, "sensitivity": sens, "thresholds": thresholds,
            "sensitivity_at": at, "mean_sensitivity": float(np.mean(at))}


# ------------------------------------------------------- localization ----

def localization(case):
    plo, phi = corners(case["predicted"])
    tlo, thi = corners(case["truth"])
    d = plo.shape[1]
    iou = np.diag(iou_matrix(case["predicted"], case["truth"]))
    delta = (plo + phi) / 2 - (tlo + thi) / 2
    if case["spacing"]:
        spacing = np.array(case["spacing"], dtype=float)[:, :d]
    else:
        spacing = np.ones_like(delta)
    px = np.linalg.norm(delta, axis=1)
    mm = np.linalg.norm(delta * spacing, axis=1)
    ok = iou >= 0.5
    if case["require_class"]:
        ok &= np.array([p["label"] == t["label"] for p, t in zip(case["predicted"], case["truth"])])
    return {"iou": iou, "centroid_error_px": px, "centroid_error_mm": mm,
            "accuracy": float(ok.mean()), "mean_iou": float(iou.mean()),
            "mean_centroid_error_px": float(px.mean()), "mean_centroid_error_mm": float(mm.mean())}


# --------------------------------------------------------------- COCO files ----

def write_coco(path):
    images = [
        {"id": 42, "file_name": "scan b.png", "width": 640, "height": 480, "license": 1},
        {"id": 7, "file_name": "a/scan a.png", "width": 320, "height": 200},
        {"id": 1000, "file_name": "empty.png"},
    ]
    categories = [{"id": 9, "name": "WBC", "supercategory": "cell"},
                  {"id": 2, "name": "RBC", "supercategory": "cell"},
                  {"id": 5, "name": "Platelets"}]
    anns = [
        {"id": 1, "image_id": 7, "category_id": 2, "bbox": [10, 20, 30.5, 40.25], "area": 1227.625,
         "iscrowd": 0, "segmentation": [[10, 20, 40.5, 20, 40.5, 60.25]]},
        {"id": 2, "image_id": 42, "category_id": 9, "bbox": [0.5, 1.5, 100, 50], "iscrowd": 1},
        {"id": 3, "image_id": 7, "category_id": 5, "bbox": [300, 150, 0, 2], "score": 0.75},
        {"id": 4, "image_id": 42, "category_id": 2, "bbox": [1e-3, 2.5e2, 3.3, 1.1]},
        {"id": 5, "image_id": 7, "category_id": 9, "bbox": [5, 6, 7, 8]},
    ]
    with open(path, "w") as f:
        json.dump({"info": {"description": "oracle"}, "images": images, "annotations": anns,
                   "categories": categories, "licenses": []}, f, indent=2)
    cats = sorted(categories, key=lambda c: c["id"])
    label = {c["id"]: k for k, c in enumerate(cats)}
    name = {c["id"]: c["name"] for c in cats}
    out = {"images": [im["file_name"] for im in images],
           "sizes": [[im.get("width", 0), im.get("height", 0)] for im in images],
           "image_ids": [im["id"] for im in images],
           "class_names": [c["name"] for c in cats], "category_ids": [c["id"] for c in cats],
           "boxes": []}
    for im in images:
        boxes = []
        for a in anns:
            if a["image_id"] != im["id"]:
                continue
            x, y, w, h = a["bbox"]
            boxes.append({"lo": [x, y], "hi": [x + w, y + h], "label": label[a["category_id"]],
                          "class_name": name[a["category_id"]], "score": a.get("score", 1.0)})
        out["boxes"].append(boxes)
    return out


def read_coco(path):
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, list):  # results
        return {"results": [{"image_id": r["image_id"], "category_id": r["category_id"],
                             "bbox": r["bbox"], "score": r["score"]} for r in data]}
    names = {c["id"]: c["name"] for c in data["categories"]}
    files = {im["id"]: im["file_name"] for im in data["images"]}
    per_image = {im["file_name"]: [] for im in data["images"]}
    for a in data["annotations"]:
        per_image[files[a["image_id"]]].append(
            {"category": names[a["category_id"]], "bbox": a["bbox"], "area": a["area"],
             "iscrowd": a["iscrowd"], "id": a["id"]})
    return {"images": [{"id": im["id"], "file_name": im["file_name"],
                        "width": im.get("width", 0), "height": im.get("height", 0)}
                       for im in data["images"]],
            "categories": [[c["id"], c["name"]] for c in data["categories"]],
            "annotations": per_image}


def main():
    mode = sys.argv[1]
    if mode == "evaluate":
        spec = json.load(open(sys.argv[2]))
        out = {"detection": [evaluate_detection(c) for c in spec.get("detection", [])],
               "froc": [{"iou": froc(c, "iou"), "centre": froc(c, "centre")}
                        for c in spec.get("froc", [])],
               "localization": [localization(c) for c in spec.get("localization", [])]}
    elif mode == "write-coco":
        out = write_coco(sys.argv[2])
    elif mode == "read-coco":
        out = read_coco(sys.argv[2])
    else:
        raise SystemExit("unknown mode " + mode)
    json.dump(clean(out), sys.stdout)


if __name__ == "__main__":
    main()
