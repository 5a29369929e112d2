// Image: pixels plus physical geometry, for 1-D signals, 2-D images and 3-D volumes.
//
// Layout contract
//   data      a torch tensor, channels first: [C, X] (1-D), [C, H, W] (2-D) or
//             [C, D, H, W] (3-D). The LAST tensor axis is the fastest-varying
//             image axis x, as in SimpleITK's GetArrayFromImage (z, y, x).
//   spacing, origin, direction are in physical (ITK / LPS) axis order:
//             index 0 is x (last tensor axis), 1 is y, 2 is z. direction is
//             row-major 3x3 (stride 3 for any dims), column j = direction
//             cosine of image axis j.
//   pixel_type is the type the pixels have (and are written back with) in the
//             file; data holds the nearest torch dtype that represents it
//             exactly (uint16 -> int32, uint32 -> int64: torch has no unsigned
//             16/32-bit type).
//   Masks and label maps are Images with an integer pixel type.
//
// Physical position of index i (x, y, z order): origin + direction * (spacing .* i).
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace medcnn {

enum class PixelType { UInt8, Int8, UInt16, Int16, UInt32, Int32, Int64, Float32, Float64, Bool };

const char* pixel_type_name(PixelType t);
PixelType pixel_type_from_name(const std::string& name);  // throws ConfigError
bool is_integer(PixelType t);
// torch dtype used to hold pixels of type t without loss.
c10::ScalarType storage_dtype(PixelType t);
// Pixel type that a tensor of dtype d is written as by default.
PixelType pixel_type_of(c10::ScalarType d);

struct Geometry {
  int dims = 2;                            // spatial dimensions, 1..3
  std::array<double, 3> spacing{1, 1, 1};  // mm (or s for signals), x,y,z
  std::array<double, 3> origin{0, 0, 0};   // mm, x,y,z
  // Row-major 3x3 whatever dims is (rows/columns beyond dims stay identity);
  // column j is the direction cosine of image axis j.
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};

  static Geometry identity(int dims);
  double dir(int row, int col) const { return direction[row * 3 + col]; }
  void set_dir(int row, int col, double v) { direction[row * 3 + col] = v; }
  // Physical point of a continuous index (x, y, z order).
  std::array<double, 3> index_to_physical(const std::array<double, 3>& index) const;
  // Same grid within a tolerance relative to the spacing.
  bool same_as(const Geometry& other, double tol = 1e-4) const;
  std::string describe() const;  // "spacing (..) origin (..) direction (..)"
};

class Image {
 public:
  Image() = default;
  // data: [C, spatial...] with data.dim() == geometry.dims + 1.
  Image(at::Tensor data, Geometry geometry, PixelType pixel_type);
  // Convenience: identity geometry for a [C, spatial...] tensor.
  static Image from_tensor(at::Tensor data, int dims);

  at::Tensor data;
  Geometry geometry;
  PixelType pixel_type = PixelType::Float32;
  std::string modality;  // "CT", "MR", "US", "XR", "OT", ... (DICOM words)
  std::string source;    // path it was read from, if any
  std::map<std::string, std::string> meta;  // e.g. DICOM identifiers

  bool defined() const { return data.defined(); }
  int dims() const { return geometry.dims; }
  int64_t channels() const { return data.size(0); }
  // Spatial size in x, y, z order (what ITK calls the size).
  std::array<int64_t, 3> size() const;
  // Spatial shape in tensor order (z, y, x) without the channel axis.
  std::vector<int64_t> spatial_shape() const;
  int64_t num_pixels() const;  // spatial voxels, channels excluded
  bool is_label_map() const { return is_integer(pixel_type); }

  // Same pixels with other values: keeps geometry, modality, source, meta.
  Image with_data(at::Tensor new_data) const;
  Image with_data(at::Tensor new_data, PixelType t) const;
  // Throws std::logic_error if data and geometry disagree.
  void validate() const;
  // Short one-line description: "2-D 565x584 x3 uint8 spacing (1,1)".
  std::string summary() const;
};

// Pairing an image with a mask: throws GeometryError naming `where` and
// the first difference (size, spacing, origin or direction) unless they match.
void check_same_grid(const Image& image, const Image& mask, const std::string& where);

}  // namespace medcnn
