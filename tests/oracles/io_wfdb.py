#!/usr/bin/python3
"""Independent decoding of a WFDB format-212 record with numpy (no wfdb package).

Prints JSON: signals, samples, fs, and for each lead the physical values
(mV) of the first 5 samples, samples 1000..1004, the mean and the std.
"""
import json
import sys

import numpy as np


def main(hea):
    lines = [l.strip() for l in open(hea) if l.strip() and not l.strip().startswith("#")]
    name, nsig, fs, nsamp = lines[0].split()[:4]
    nsig, fs, nsamp = int(nsig), float(fs), int(nsamp)
    specs = [l.split() for l in lines[1:1 + nsig]]
    raw = np.fromfile(hea[:-4] + ".dat", dtype=np.uint8)[: (nsamp * nsig * 3 + 1) // 2]
    b = raw.reshape(-1, 3).astype(np.int32)
    s0 = b[:, 0] + ((b[:, 1] & 0x0F) << 8)
    s1 = b[:, 2] + ((b[:, 1] >> 4) << 8)
    vals = np.empty(b.shape[0] * 2, np.int32)
    vals[0::2], vals[1::2] = s0, s1
    vals[vals > 2047] -= 4096
    frames = vals[: nsamp * nsig].reshape(nsamp, nsig)
    out = {"signals": nsig, "samples": nsamp, "fs": fs, "leads": []}
    for i, spec in enumerate(specs):
        gain, zero = float(spec[2].split("/")[0].split("(")[0]), int(spec[4])
        x = (frames[:, i] - zero) / gain
        out["leads"].append({"name": spec[-1], "head": x[:5].tolist(), "mid": x[1000:1005].tolist(),
                             "mean": float(x.mean()), "std": float(x.std())})
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
