#!/usr/bin/python3
"""Facts about real files, computed independently of medcnn, for the CLI tests.

  cli_facts.py nifti PATH        shape (x,y,z), spacing, min/max/mean (nibabel)
  cli_facts.py dicom_series DIR  slice count, slice spacing, rows/cols (pydicom)
  cli_facts.py npz PATH          array shapes and label counts (numpy)
  cli_facts.py walk DIR          file counts per sub-folder and extension (os.walk)
  cli_facts.py png PATH          size, channels, min/max/mean (PIL)
"""
import json
import os
import sys

import numpy as np


def nifti(path):
    import nibabel as nib
    img = nib.load(path)
    data = np.asarray(img.dataobj).astype(np.float64)
    return {"size": list(img.shape), "spacing": [float(v) for v in img.header.get_zooms()],
            "min": float(data.min()), "max": float(data.max()), "mean": float(data.mean())}


def dicom_series(folder):
    import pydicom
    slices = []
    for name in os.listdir(folder):
        ds = pydicom.dcmread(os.path.join(folder, name))
        slices.append(ds)
    normal = np.cross(np.array(slices[0].ImageOrientationPatient[:3], float),
                      np.array(slices[0].ImageOrientationPatient[3:], float))
    pos = sorted(float(np.dot(normal, np.array(s.ImagePositionPatient, float))) for s in slices)
    gaps = np.diff(pos)
    return {"slices": len(slices), "slice_spacing": float(np.mean(gaps)) if len(gaps) else None,
            "rows": int(slices[0].Rows), "columns": int(slices[0].Columns),
            "pixel_spacing": [float(v) for v in slices[0].PixelSpacing],
            "modality": str(slices[0].Modality),
            "series_uid": str(slices[0].SeriesInstanceUID)}


def npz(path):
    z = np.load(path)
    out = {}
    for k in z.files:
        a = z[k]
        entry = {"shape": list(a.shape)}
        if k.endswith("_labels"):
            vals, counts = np.unique(a.reshape(-1), return_counts=True)
            entry["label_counts"] = {str(int(v)): int(c) for v, c in zip(vals, counts)}
        out[k] = entry
    return out


def walk(root):
    out = {}
    for d, _, files in os.walk(root):
        rel = os.path.relpath(d, root)
        for f in files:
            ext = f.lower().rsplit(".", 1)[-1] if "." in f else ""
            key = rel + "|" + ext
            out[key] = out.get(key, 0) + 1
    return out


def png(path):
    from PIL import Image
    a = np.asarray(Image.open(path)).astype(np.float64)
    return {"size": [a.shape[1], a.shape[0]], "channels": 1 if a.ndim == 2 else a.shape[2],
            "min": float(a.min()), "max": float(a.max()), "mean": float(a.mean())}


if __name__ == "__main__":
    print(json.dumps(globals()[sys.argv[1]](sys.argv[2])))
