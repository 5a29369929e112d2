#!/usr/bin/python3
"""Independent beat windows of a WFDB record (format 212) with numpy (no wfdb package).

Usage: ecg_beats.py RECORD.hea WINDOW BEFORE LEAD

Decodes the signal (two 12-bit samples in 3 bytes, (adu - zero) / gain) and
the .atr annotations (wfdb_annotations.py), maps beat symbols to the AAMI
classes N S V F Q, keeps the beats whose window [sample - BEFORE,
sample - BEFORE + WINDOW) lies inside the record, and prints JSON: counts per
class, the kept beats as [annotation index, sample, class], and the window
values (lead LEAD, mV) of four kept beats: the first, the first S, the first
V and the last, keyed by their position among the kept beats.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wfdb_annotations import decode  # noqa: E402

AAMI = {"N": "N", "L": "N", "R": "N", "e": "N", "j": "N", "A": "S", "a": "S", "J": "S", "S": "S",
        "V": "V", "E": "V", "F": "F", "/": "Q", "f": "Q", "Q": "Q"}


def signal(hea):
    lines = [l.split() for l in open(hea) if l.strip() and not l.lstrip().startswith("#")]
    nsig, nsamp = int(lines[0][1]), int(lines[0][3])
    raw = np.fromfile(os.path.join(os.path.dirname(hea), lines[1][0]), dtype=np.uint8)
    triples = raw[: (nsamp * nsig * 3 + 1) // 2].reshape(-1, 3).astype(np.int32)
    first = triples[:, 0] | ((triples[:, 1] & 0x0F) << 8)
    second = triples[:, 2] | ((triples[:, 1] & 0xF0) << 4)
    adu = np.stack([first, second], axis=1).reshape(-1)[: nsamp * nsig]
    adu = np.where(adu >= 2048, adu - 4096, adu).reshape(nsamp, nsig)
    gains = np.array([float(l[2].split("/")[0].split("(")[0]) for l in lines[1:1 + nsig]])
    zeros = np.array([float(l[4]) for l in lines[1:1 + nsig]])
    return ((adu - zeros) / gains).T  # [signals, samples]


def main(hea, window, before, lead):
    x = signal(hea)
    anns = decode(hea[:-4] + ".atr")
    kept = []
    for k, a in enumerate(anns):
        cls = AAMI.get(a["symbol"])
        start = a["sample"] - before
        if cls is None or start < 0 or start + window > x.shape[1]:
            continue
        kept.append([k, a["sample"], cls])
    counts = {}
    for _, _, c in kept:
        counts[c] = counts.get(c, 0) + 1
    picks = {0, len(kept) - 1}
    for cls in ("S", "V"):
        hits = [i for i, b in enumerate(kept) if b[2] == cls]
        if hits:
            picks.add(hits[0])
    windows = {str(i): x[lead, kept[i][1] - before: kept[i][1] - before + window].tolist()
               for i in sorted(picks)}
    print(json.dumps({"counts": counts, "beats": kept, "windows": windows,
                      "samples": int(x.shape[1])}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
