// Private to io/: PNG, JPEG, TIFF and BMP through OpenCV.
//
// read_opencv(path): IMREAD_UNCHANGED; BGR(A) becomes RGB(A), grey stays one
//   channel; 8-bit -> UInt8, 16-bit -> UInt16 (int32 tensor), 32F -> Float32
//   (and the other OpenCV depths to their pixel types). A TIFF's recorded
//   resolution becomes the spacing in mm. FormatError when OpenCV cannot
//   decode the file.
// write_opencv(path, image): 2-D only. PNG: uint8/uint16, 1/3/4 channels.
//   TIFF: uint8/uint16/float32, 1/3/4 channels, spacing kept. JPEG: uint8,
//   1/3 channels. Anything else: FormatError (never a silent cast). Atomic.
#pragma once
#include <string>

#include "medcnn/core/image.h"

namespace medcnn::io_detail {

Image read_opencv(const std::string& path);
void write_opencv(const std::string& path, const Image& image);

}  // namespace medcnn::io_detail
