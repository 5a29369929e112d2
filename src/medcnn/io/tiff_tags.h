// Private to io/: the pixel size a TIFF records (XResolution, YResolution,
// ResolutionUnit of its first image), read and patched in place, because
// OpenCV reads TIFF pixels but not their resolution and writes it only as
// whole dots per inch.
//
// read_tiff_spacing(path): spacing in mm (x, y) when the file records a
//   resolution in inches or centimetres with positive values; nullopt
//   otherwise (no tags, unit "none", 0/0 as some writers leave, BigTIFF).
// patch_tiff_spacing(path, sx, sy): overwrites the RATIONAL values of
//   existing XResolution/YResolution tags (and sets the unit to cm) with
//   exact pixels-per-cm fractions; the file keeps its size and layout.
//   Returns false if the tags are absent or not RATIONAL.
#pragma once
#include <array>
#include <optional>
#include <string>

namespace medcnn::io_detail {

std::optional<std::array<double, 2>> read_tiff_spacing(const std::string& path);
bool patch_tiff_spacing(const std::string& path, double spacing_x_mm, double spacing_y_mm);

}  // namespace medcnn::io_detail
