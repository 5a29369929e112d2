// Private to io/: GIF through giflib (OpenCV 4.6 cannot read GIF).
//
// read_gif(path): the first frame, placed on the logical screen (filled with
// the background colour). If every palette entry the image uses is grey
// (r == g == b) the result has 1 channel (the grey values, not the palette
// indices), otherwise 3 (RGB). Always uint8. FormatError naming the file
// (with giflib's reason) for a corrupt or truncated file.
#pragma once
#include <string>

#include "medcnn/core/image.h"

namespace medcnn::io_detail {

Image read_gif(const std::string& path);

}  // namespace medcnn::io_detail
