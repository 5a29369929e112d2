#!/usr/bin/env python3
"""augment_peer.py: the Python peer of bench/bench_augment.cpp.

The nnU-Net-like augmentation chain of bench_augment, written with numpy and
scipy.ndimage the way batchgenerators (nnU-Net's augmentation library) does
it, run over a multiprocessing pool (fork) of W worker processes; the main
process stacks the samples into batches (8 for 2-D, 2 for 3-D) as a data
loader would.

usage: augment_peer.py [--image IMG.npy --mask MASK.npy | --dims 2|3]
                       [--samples N] [--epochs E] [--workers 1,2] [--json] [--profile REPS]

IMG.npy: [1, spatial...] float32; MASK.npy: [1, spatial...] uint8 (bench_augment
writes its phantom there). Without them a smooth random image of 512x512
(2-D) or 128^3 (3-D) with a thresholded mask is used. One untimed warm-up
epoch of N samples, then E timed epochs. Per sample, with the probabilities
of bench_augment:
  spatial    p 0.36 rotation (+-180 deg 2-D, +-30 deg per axis 3-D) + scaling
             [0.7, 1.4]; p 0.2 elastic (sigma [9, 13], alpha [0, 200] 2-D /
             [0, 900] 3-D: gaussian_filter of U(-1, 1) offsets, mode constant);
             if either, ONE map_coordinates of the combined coordinates
             (batchgenerators' SpatialTransform), order 1 for the image (to
             match medcnn's bilinear; nnU-Net uses order 3), order 0 for the mask
  noise      p 0.1, N(0, s), s ~ U(0, 0.1)
  blur       p 0.2, gaussian_filter sigma ~ U(0.5, 1.0)
  brightness p 0.15, x * U(0.75, 1.25)
  contrast   p 0.15, batchgenerators augment_contrast, range preserved
  low res    p 0.25, zoom ~ U(0.5, 1): ndimage.zoom order 0 down, order 1 up
  gamma      p 0.1 inverted, then p 0.3 plain; gamma ~ U(0.7, 1.5), retain stats
  mirror     p 0.5 per axis
Prints per worker count: samples/s (and, with --json, one JSON object per
line: dims, workers, samples, seconds, samples_per_s).
"""
import argparse
import json
import math
import multiprocessing as mp
import os
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
from scipy import ndimage as ndi  # noqa: E402

IMAGE = None
MASK = None
DIMS = 2


def init(image_path, mask_path, dims):
    global IMAGE, MASK, DIMS
    DIMS = dims
    if image_path:
        IMAGE = np.load(image_path).astype(np.float32)
        MASK = np.load(mask_path).astype(np.uint8)
        DIMS = IMAGE.ndim - 1
    else:
        shape = (512, 512) if dims == 2 else (128, 128, 128)
        r = np.random.default_rng(1)
        img = ndi.gaussian_filter(r.random(shape, dtype=np.float32), 8)
        img = (img - img.min()) / (img.max() - img.min())
        IMAGE = img[None].astype(np.float32)
        MASK = (img > 0.7).astype(np.uint8)[None]


def rotation(dims, rng, rot):
    if dims == 2:
        a = rng.uniform(-rot, rot)
        c, s = math.cos(a), math.sin(a)
        return np.array([[c, -s], [s, c]], dtype=np.float32)
    m = np.eye(3, dtype=np.float32)
    for axis in range(3):
        a = rng.uniform(-rot, rot)
        c, s = math.cos(a), math.sin(a)
        r = np.eye(3, dtype=np.float32)
        i, j = [k for k in range(3) if k != axis]
        r[i, i], r[i, j], r[j, i], r[j, j] = c, -s, s, c
        m = m @ r
    return m


def spatial(data, seg, rng, dims, do_affine, do_elastic):
    shape = data.shape[1:]
    centre = [(s - 1) / 2.0 for s in shape]
    coords = np.stack(np.meshgrid(*[np.arange(s, dtype=np.float32) - c for s, c in zip(shape, centre)],
                                  indexing="ij"))
    if do_elastic:  # batchgenerators elastic_deform_coordinates
        sigma = rng.uniform(9, 13)
        alpha = rng.uniform(0, 200 if dims == 2 else 900)
        for d in range(dims):
            offsets = rng.random(shape, dtype=np.float32) * 2 - 1
            coords[d] += ndi.gaussian_filter(offsets, sigma, mode="constant", cval=0) * alpha
    if do_affine:  # rotate_coords_2d/3d, then scale_coords
        rot = math.pi if dims == 2 else math.pi / 6
        m = rotation(dims, rng, rot) * np.float32(rng.uniform(0.7, 1.4))
        coords = np.tensordot(m, coords.reshape(dims, -1), axes=1).reshape(coords.shape)
    for d in range(dims):
        coords[d] += centre[d]
    out = np.empty_like(data)
    out_seg = np.empty_like(seg)
    for c in range(data.shape[0]):
        out[c] = ndi.map_coordinates(data[c], coords, order=1, mode="constant", cval=0)
    for c in range(seg.shape[0]):
        out_seg[c] = ndi.map_coordinates(seg[c], coords, order=0, mode="constant", cval=0)
    return out, out_seg


def gamma(data, rng, invert):
    g = rng.uniform(0.7, 1.5)
    if invert:
        data = -data
    mn, sd = data.mean(), data.std()
    lo = data.min()
    rnge = data.max() - lo
    data = np.power((data - lo) / (rnge + 1e-7), g) * rnge + lo
    data = (data - data.mean()) / (data.std() + 1e-8) * sd + mn
    if invert:
        data = -data
    return data.astype(np.float32)


def noise(data, rng):
    s = rng.uniform(0, 0.1)
    return data + rng.normal(0.0, s, size=data.shape).astype(np.float32)


def blur(data, rng):
    sigma = rng.uniform(0.5, 1.0)
    return np.stack([ndi.gaussian_filter(data[c], sigma) for c in range(data.shape[0])])


def brightness(data, rng):
    return data * np.float32(rng.uniform(0.75, 1.25))


def contrast(data, rng):  # batchgenerators augment_contrast, preserve_range
    out = np.empty_like(data)
    for c in range(data.shape[0]):
        f = rng.uniform(0.75, 1.0) if rng.uniform() < 0.5 else rng.uniform(1.0, 1.25)
        mn, lo, hi = data[c].mean(), data[c].min(), data[c].max()
        out[c] = np.clip((data[c] - mn) * f + mn, lo, hi)
    return out


def low_resolution(data, rng):  # SimulateLowResolutionTransform
    z = rng.uniform(0.5, 1.0)
    shape = np.array(data.shape[1:])
    low = np.maximum(np.round(shape * z).astype(int), 1)
    out = np.empty_like(data)
    for c in range(data.shape[0]):
        down = ndi.zoom(data[c], low / shape, order=0)
        up = ndi.zoom(down, shape / np.array(down.shape), order=1)
        if up.shape != tuple(shape):
            up = np.pad(up, [(0, max(0, s - u)) for s, u in zip(shape, up.shape)], mode="edge")
        out[c] = up[tuple(slice(0, s) for s in shape)]
    return out


# (name, probability, function(data, rng)) after the spatial step.
INTENSITY = [
    ("noise", 0.1, noise),
    ("blur", 0.2, blur),
    ("brightness", 0.15, brightness),
    ("contrast", 0.15, contrast),
    ("low resolution", 0.25, low_resolution),
    ("gamma inverted", 0.1, lambda d, r: gamma(d, r, True)),
    ("gamma", 0.3, lambda d, r: gamma(d, r, False)),
]


def augment(data, seg, rng, dims):
    do_affine = rng.uniform() < 0.36
    do_elastic = rng.uniform() < 0.2
    if do_affine or do_elastic:
        data, seg = spatial(data, seg, rng, dims, do_affine, do_elastic)
    for _, p, fn in INTENSITY:
        if rng.uniform() < p:
            data = fn(data, rng)
    for axis in range(1, dims + 1):
        if rng.uniform() < 0.5:
            data = np.flip(data, axis)
            seg = np.flip(seg, axis)
    return np.ascontiguousarray(data, dtype=np.float32), np.ascontiguousarray(seg)


def profile(reps):
    """Each step alone, forced on: mean ms per call."""
    dims = DIMS
    steps = [("affine (rotation + scaling)", lambda d, s, r: spatial(d, s, r, dims, True, False)),
             ("elastic", lambda d, s, r: spatial(d, s, r, dims, False, True))]
    steps += [(n, (lambda f: lambda d, s, r: (f(d, r), s))(f)) for n, _, f in INTENSITY]
    for axis in range(1, dims + 1):
        steps.append((f"mirror axis {axis - 1}",
                      (lambda a: lambda d, s, r: (np.ascontiguousarray(np.flip(d, a)),
                                                  np.ascontiguousarray(np.flip(s, a))))(axis)))
    print(f"| {dims}-D step (forced on) | ms per call |\n|---|---:|")
    for name, fn in steps:
        total = 0.0
        for k in range(reps):
            rng = np.random.default_rng([3, k])
            d, s = IMAGE.copy(), MASK.copy()
            t0 = time.perf_counter()
            fn(d, s, rng)
            total += time.perf_counter() - t0
        print(f"| {name} | {1000 * total / reps:.2f} |")


def work(key):
    epoch, index = key
    rng = np.random.default_rng([1, epoch, index])
    return augment(IMAGE.copy(), MASK.copy(), rng, DIMS)


def run_epoch(pool, epoch, n, batch):
    count = 0
    pending = []
    for data, seg in pool.imap(work, [(epoch, i) for i in range(n)], chunksize=1):
        pending.append((data, seg))
        if len(pending) == batch:
            np.stack([p[0] for p in pending]), np.stack([p[1] for p in pending])
            count += len(pending)
            pending = []
    if pending:
        np.stack([p[0] for p in pending])
        count += len(pending)
    return count


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image")
    ap.add_argument("--mask")
    ap.add_argument("--dims", type=int, default=2)
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--profile", type=int, default=0, metavar="REPS",
                    help="time each step alone (forced on) instead")
    a = ap.parse_args()
    init(a.image, a.mask, a.dims)
    if a.profile:
        profile(a.profile)
        return
    dims = DIMS
    batch = 8 if dims == 2 else 2
    ctx = mp.get_context("fork")
    for w in [int(x) for x in a.workers.split(",")]:
        with ctx.Pool(w, initializer=init, initargs=(a.image, a.mask, a.dims)) as pool:
            run_epoch(pool, 0, a.samples, batch)  # warm-up
            t0 = time.perf_counter()
            total = sum(run_epoch(pool, e, a.samples, batch) for e in range(1, a.epochs + 1))
            secs = time.perf_counter() - t0
        rate = total / secs
        if a.json:
            print(json.dumps({"dims": dims, "workers": w, "samples": total, "seconds": secs,
                              "samples_per_s": rate}), flush=True)
        else:
            print(f"{dims}-D {IMAGE.shape[1:]}, {w} worker(s): {total} samples in {secs:.2f} s = "
                  f"{rate:.1f} samples/s", flush=True)


if __name__ == "__main__":
    main()
