#!/usr/bin/python3
"""Independent decoding of a WFDB annotation file in MIT format with numpy (no wfdb package).

Usage: wfdb_annotations.py RECORD.atr

The file is read as little-endian 16-bit words: code = word >> 10, interval =
word & 1023. 0/0 ends the file; 59 (SKIP) is followed by a 32-bit interval
stored as two words, high word first; 60-63 (NUM, SUB, CHN, AUX) modify the
annotation before them; AUX is followed by `interval` bytes padded to even.

Prints JSON: total, counts per symbol, the first and last 20 annotations
(sample, symbol), and the aux texts with their sample indices.
Importable: decode(path) returns a list of dicts (sample, code, symbol, aux).
"""
import json
import sys

import numpy as np

# Standard MIT annotation codes (ecgcodes.h of the WFDB software package).
SYMBOLS = {
    0: " ", 1: "N", 2: "L", 3: "R", 4: "a", 5: "V", 6: "F", 7: "J", 8: "A", 9: "S", 10: "E",
    11: "j", 12: "/", 13: "Q", 14: "~", 16: "|", 18: "s", 19: "T", 20: "*", 21: "D", 22: '"',
    23: "=", 24: "p", 25: "B", 26: "^", 27: "t", 28: "+", 29: "u", 30: "?", 31: "!", 32: "[",
    33: "]", 34: "e", 35: "n", 36: "@", 37: "x", 38: "f", 39: "(", 40: ")", 41: "r",
}


def decode(path):
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size % 2:
        raise ValueError("odd byte count")
    words = raw.view("<u2").astype(np.int64)
    out = []
    t = 0
    k = 0
    while True:
        w = int(words[k])
        code, interval = w >> 10, w & 0x3FF
        k += 1
        if code == 0 and interval == 0:
            break
        if code == 59:
            hi, lo = int(words[k]), int(words[k + 1])
            skip = (hi << 16) | lo
            if skip >= 1 << 31:
                skip -= 1 << 32
            t += skip
            k += 2
        elif code == 63:
            n = interval
            text = raw[2 * k: 2 * k + n].tobytes().split(b"\0")[0].decode("latin-1")
            out[-1]["aux"] = text
            k += (n + 1) // 2
        elif code in (60, 61, 62):
            pass
        else:
            t += interval
            out.append({"sample": t, "code": code, "symbol": SYMBOLS.get(code, ""), "aux": ""})
    return out


def main(path):
    anns = decode(path)
    counts = {}
    for a in anns:
        counts[a["symbol"]] = counts.get(a["symbol"], 0) + 1
    pick = lambda xs: [[a["sample"], a["symbol"]] for a in xs]
    print(json.dumps({
        "total": len(anns),
        "counts": counts,
        "first": pick(anns[:20]),
        "last": pick(anns[-20:]),
        "aux": [[a["sample"], a["aux"]] for a in anns if a["aux"]],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
