// read_image / write_image: the one entry point for image files.
//
// read_image(path) dispatches on the file's content (magic bytes) first and
// its extension second:
//   NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd),
//   DICOM (a file, or a folder holding one series) ........ through ITK
//   PNG, JPEG, TIFF (8/16-bit, float), BMP ................. through OpenCV
//   GIF .................................................... through giflib
//   WFDB record header (.hea + .dat; ECG) as a 1-D signal ... own reader (wfdb.h)
// 2-D files become 2-D Images with channels = samples per pixel (RGB order);
// 3-D files become 3-D Images with one channel (or several for vector pixels).
// Errors: IoError for a missing/unreadable path, FormatError (naming the
// file) for bytes that do not match the format or a truncated file.
//
// write_image(path, image) picks the writer from the extension (.nii,
// .nii.gz, .nrrd, .mha, .mhd, .png, .tif/.tiff, .jpg) and keeps geometry
// where the format can hold it (all but PNG/JPEG; TIFF keeps spacing).
// It writes to a temporary name in the same folder and renames, so a failed
// write never leaves a half file. PNG takes uint8/uint16, 1, 3 or 4
// channels; other pixel types throw FormatError rather than silently cast.
#pragma once
#include <string>

#include "medcnn/core/image.h"

namespace medcnn {

enum class ImageFormat { Unknown, Nifti, Nrrd, MetaImage, Dicom, DicomSeries, Png, Jpeg, Tiff, Gif, Bmp, Npz, Wfdb };

// Format by content, then extension; Unknown if neither tells.
ImageFormat detect_format(const std::string& path);
const char* format_name(ImageFormat f);

Image read_image(const std::string& path);
void write_image(const std::string& path, const Image& image);

// Lower-case extension including compound ones (".nii.gz").
std::string file_extension(const std::string& path);

}  // namespace medcnn
