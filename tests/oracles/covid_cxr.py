#!/usr/bin/python3
"""Independent reading of the Figure 1 COVID-19 chest X-ray metadata (csv module, Latin-1).

Usage: covid_cxr.py FOLDER

Reads FOLDER/metadata.csv with Python's csv module (encoding latin-1), finds
each row's image as images/<patientid>.<any extension> by listing the folder,
and prints JSON: counts per `finding` value ("" for empty), the rows with a
finding as [patientid, label] (1 = COVID-19, 0 = any other finding), all
patientids in file order, the image file name per patientid, PIL's size
(width, height) and band count per image (header only), and the `notes` of
the rows whose notes hold non-ASCII text (as Unicode).
"""
import csv
import json
import os
import sys

from PIL import Image


def main(folder):
    with open(os.path.join(folder, "metadata.csv"), encoding="latin-1", newline="") as f:
        rows = list(csv.DictReader(f))
    names = sorted(os.listdir(os.path.join(folder, "images")))
    counts, labelled, files, shapes, notes = {}, [], {}, {}, {}
    for r in rows:
        pid, finding = r["patientid"].strip(), r["finding"].strip()
        counts[finding] = counts.get(finding, 0) + 1
        if finding:
            labelled.append([pid, 1 if finding == "COVID-19" else 0])
        hits = [n for n in names if os.path.splitext(n)[0] == pid]
        files[pid] = hits
        if len(hits) == 1:
            with Image.open(os.path.join(folder, "images", hits[0])) as im:
                shapes[pid] = [im.size[0], im.size[1], len(im.getbands())]
        if any(ord(c) > 127 for c in r["notes"]):
            notes[pid] = r["notes"]
    print(json.dumps({"counts": counts, "labelled": labelled,
                      "ids": [r["patientid"].strip() for r in rows], "files": files,
                      "shapes": shapes, "notes": notes}))


if __name__ == "__main__":
    main(sys.argv[1])
