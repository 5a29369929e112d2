// DICOM through ITK/GDCM.
//
// read_dicom_file(path): one file (2-D, or a multi-frame 3-D object).
// read_dicom_series(folder, series_uid=""): all slices of one series in a
//   folder, sorted by position along the slice normal (ImagePositionPatient),
//   spacing between slices from those positions. If the folder holds several
//   series and no uid is given, throws DataError listing the uids.
// Both apply Rescale Slope/Intercept (so CT is in HU, pixel type float32 when
// the rescale is not the identity) and fill Image::modality and Image::meta
// with PatientID, StudyInstanceUID, SeriesInstanceUID, SeriesDescription,
// Modality, and "slices".
#pragma once
#include <string>
#include <vector>

#include "medcnn/core/image.h"

namespace medcnn {

struct DicomSeriesInfo {
  std::string uid;
  std::string description;
  std::string modality;
  std::vector<std::string> files;  // sorted by slice position
};

bool is_dicom_file(const std::string& path);  // "DICM" at byte 128, or a parseable header
std::vector<DicomSeriesInfo> list_dicom_series(const std::string& folder);
Image read_dicom_file(const std::string& path);
Image read_dicom_series(const std::string& folder, const std::string& series_uid = "");

}  // namespace medcnn
