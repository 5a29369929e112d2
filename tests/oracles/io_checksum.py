"""Checksums shared by the io oracles (the C++ tests compute the same).

weighted(a): sum over the C-order flattened array of a[i] * ((i * 7919) % 10007),
as float64; plain(a): the sum as float64.
"""
import numpy as np


def weighted(a):
    flat = np.ascontiguousarray(a).reshape(-1).astype(np.float64)
    w = (np.arange(flat.size, dtype=np.int64) * 7919) % 10007
    return float(np.dot(flat, w.astype(np.float64)))


def plain(a):
    return float(np.asarray(a, dtype=np.float64).sum())
