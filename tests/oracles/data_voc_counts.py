#!/usr/bin/env python3
"""Oracle: box counts per class over one VOC split, read with xml.etree.

usage: data_voc_counts.py VOC_ROOT SPLIT
Prints {"ids": N, "counts": {"<class>": n, ...}, "first": {"id": ..,
        "boxes": [[name, xmin, ymin, xmax, ymax], ...]}} (VOC corners as written).
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

root, split = sys.argv[1], sys.argv[2]
with open(os.path.join(root, "ImageSets", "Main", split + ".txt")) as f:
    ids = [line.split()[0] for line in f if line.strip()]
counts = {}
first = None
for i, ident in enumerate(ids):
    tree = ET.parse(os.path.join(root, "Annotations", ident + ".xml"))
    boxes = []
    for obj in tree.getroot().iter("object"):
        name = obj.find("name").text.strip()
        counts[name] = counts.get(name, 0) + 1
        bb = obj.find("bndbox")
        boxes.append([name] + [float(bb.find(k).text) for k in ("xmin", "ymin", "xmax", "ymax")])
    if i == 0:
        first = {"id": ident, "boxes": boxes}
print(json.dumps({"ids": len(ids), "counts": counts, "first": first}))
