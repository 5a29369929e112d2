#!/usr/bin/python3
"""Independent Pascal VOC reading with xml.etree.

  io_voc.py FILE...
Prints, per file: filename, width, height, depth and the objects (name and
the raw 1-based inclusive xmin, ymin, xmax, ymax as floats).
"""
import json
import sys
import xml.etree.ElementTree as ET


def read(path):
    root = ET.parse(path).getroot()
    size = root.find("size")
    objects = []
    for o in root.iter("object"):
        b = o.find("bndbox")
        objects.append({"name": o.find("name").text.strip(),
                        "box": [float(b.find(k).text) for k in ("xmin", "ymin", "xmax", "ymax")]})
    return {"filename": root.find("filename").text.strip(),
            "width": int(size.find("width").text), "height": int(size.find("height").text),
            "depth": int(size.find("depth").text), "objects": objects}


if __name__ == "__main__":
    json.dump([read(p) for p in sys.argv[1:]], sys.stdout)
