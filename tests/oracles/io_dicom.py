#!/usr/bin/python3
"""Independent DICOM reading with pydicom.

  io_dicom.py series FOLDER [UID]   slices of one series (or the only one):
      files sorted by ImagePositionPatient along the slice normal, their
      positions, slice spacing, orientation, pixel spacing, and each slice's
      pixels (rescaled) as nested lists.
  io_dicom.py file PATH             one file: shape, rescaled pixels (HU for
      CT), rescale slope/intercept, modality, uids.
  io_dicom.py uids FOLDER           the SeriesInstanceUIDs in a folder.
"""
import json
import os
import sys

import numpy as np
import pydicom


def rescaled(ds):
    a = ds.pixel_array.astype(np.float64)
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
    return a * slope + intercept, slope, intercept


def dicoms(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if not os.path.isfile(p):
            continue
        try:
            ds = pydicom.dcmread(p)
        except Exception:
            continue
        if "SeriesInstanceUID" in ds:
            out.append((p, ds))
    return out


def series(folder, uid=None):
    items = dicoms(folder)
    uids = sorted({str(ds.SeriesInstanceUID) for _, ds in items})
    if uid is None:
        assert len(uids) == 1, uids
        uid = uids[0]
    items = [(p, ds) for p, ds in items if str(ds.SeriesInstanceUID) == uid]
    # The reference slice (whose normal orders the series) is the one with the
    # lowest InstanceNumber, then file name: slices need not be parallel.
    ref = min(items, key=lambda it: (int(it[1].InstanceNumber), os.path.basename(it[0])))[1]
    iop = np.array([float(v) for v in ref.ImageOrientationPatient])
    normal = np.cross(iop[:3], iop[3:])
    normal /= np.linalg.norm(normal)
    items.sort(key=lambda it: float(np.dot(normal, [float(v) for v in it[1].ImagePositionPatient])))
    pos = [float(np.dot(normal, [float(v) for v in ds.ImagePositionPatient])) for _, ds in items]
    first = items[0][1]
    return {
        "uid": uid,
        "files": [os.path.basename(p) for p, _ in items],
        "positions": pos,
        "spacing_z": (pos[-1] - pos[0]) / (len(pos) - 1) if len(pos) > 1 else None,
        "origin": [float(v) for v in first.ImagePositionPatient],
        "orientation": iop.tolist(),  # of the reference slice
        "parallel": all(np.allclose([float(v) for v in ds.ImageOrientationPatient], iop, atol=1e-4)
                        for _, ds in items),
        "normal": normal.tolist(),
        # DICOM PixelSpacing is (row spacing, column spacing) = (y, x).
        "pixel_spacing_xy": [float(first.PixelSpacing[1]), float(first.PixelSpacing[0])],
        "rows": int(first.Rows),
        "columns": int(first.Columns),
        "slices": [rescaled(ds)[0].tolist() for _, ds in items],
        "modality": str(first.Modality),
    }


def one_file(path):
    ds = pydicom.dcmread(path)
    a, slope, intercept = rescaled(ds)
    return {
        "shape": list(a.shape),
        "pixels": a.tolist(),
        "slope": slope,
        "intercept": intercept,
        "modality": str(ds.Modality),
        "patient_id": str(getattr(ds, "PatientID", "")),
        "study_uid": str(getattr(ds, "StudyInstanceUID", "")),
        "series_uid": str(getattr(ds, "SeriesInstanceUID", "")),
    }


def main(argv):
    mode = argv[1]
    if mode == "series":
        out = series(argv[2], argv[3] if len(argv) > 3 else None)
    elif mode == "file":
        out = one_file(argv[2])
    elif mode == "uids":
        out = {"uids": sorted({str(ds.SeriesInstanceUID) for _, ds in dicoms(argv[2])})}
    else:
        raise SystemExit("unknown mode " + mode)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
