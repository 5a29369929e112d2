// Shared resampling blocks of the warping transforms (RandAffine,
// RandElastic, Spacing).
//
// Coordinates: a "coordinate field" is a floating tensor [dims, out...] on
// the image's device holding, for every output pixel, the continuous input
// pixel index it samples, in TENSOR axis order (component a = spatial tensor
// axis a). Index i is the centre of pixel i (pixel i covers [i - 0.5, i + 0.5)
// in index units, [i, i + 1) in Box units), which is torch's grid_sample with
// align_corners = false.
//
// Contract
//  - warp() resamples image and mask of a Sample through one coordinate
//    field (one interpolation, no matter how the field was composed); the
//    image with bilinear/trilinear interpolation (float32 result, float64
//    stays) or nearest (pixel type kept), the mask always with nearest
//    (labels and dtype kept). Geometry is not changed (augmentation on the
//    pixel grid); boxes are not touched (the caller moves them).
//  - Padding outside the input, the same for image and mask: zeros (image 0,
//    mask 0), border (edge value repeated) or reflection (about the outer
//    pixel edges, as grid_sample).
//  - Works on CPU and CUDA tensors; helper tensors are created on the
//    image's device.
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <string>
#include <vector>

#include "medcnn/core/image.h"
#include "medcnn/data/sample.h"
#include "medcnn/transforms/transform.h"

namespace medcnn::spatial_ops {

enum class Padding { Zeros, Border, Reflection };

// "zeros" | "border" | "reflection" -> Padding; ConfigError "<transform>.<key>" otherwise.
Padding parse_padding(const std::string& value, const std::string& transform,
                      const std::string& key);

// The "mode" parameter of a resampling transform: true for "nearest", false
// for "bilinear" (also "linear", "trilinear", the default); ConfigError otherwise.
bool parse_nearest_mode(const Params& p, const std::string& transform);

// A (dims+1) x (dims+1) row-major homogeneous matrix in tensor axis order.
using Matrix = std::vector<double>;

// Coordinate field of an affine map p -> B p over an output grid of
// `shape` (tensor order): field[a] = B[a][d] + sum_b B[a][b] * p_b. float64
// on `like`'s device.
at::Tensor affine_field(const Matrix& B, const std::vector<int64_t>& shape, const at::Tensor& like);

// Samples data [C, in...] at the coordinate field [dims, out...]:
// linear (grid_sample bilinear/trilinear) or nearest (round half up;
// gathers, so every dtype and value is kept exactly).
at::Tensor sample_linear(const at::Tensor& data, const at::Tensor& field, Padding padding);
at::Tensor sample_nearest(const at::Tensor& data, const at::Tensor& field, Padding padding);

// Resamples sample.image (linear unless nearest_image) and sample.mask
// (nearest) through field; see the contract above.
void warp(Sample& s, const at::Tensor& field, bool nearest_image, Padding padding);

// Box of the region a field carries box b to: the box is rasterised on the
// input grid, warped with linear interpolation and thresholded at 0.5; dims
// = 0 when nothing of it is left. Used for warps without a closed-form
// forward map (elastic).
Box warp_box_raster(const Box& b, const std::vector<int64_t>& in_shape, const at::Tensor& field);

// Forward affine of boxes: each box's corners (4 in 2-D, 8 in 3-D) are
// mapped with F (input index -> output index, tensor order), and the box
// becomes their bounding box clipped to the output grid `out_shape`; boxes
// with nothing left are dropped.
void affine_boxes(std::vector<Box>& boxes, const Matrix& F, int dims,
                  const std::vector<int64_t>& out_shape);

// Map from the voxel indices of grid `to` to the continuous voxel indices of
// grid `from` at the same physical point (both in tensor axis order): the
// inverse of from's index-to-physical transform after to's. Grids of
// different dims are a logic_error.
Matrix grid_to_grid(const Geometry& from, const Geometry& to);

// data [C, from spatial...] on grid `from`, resampled onto grid `to` of
// spatial shape to_shape (tensor order) by physical position: linear or
// nearest, with `padding` outside `from`. Used to bring maps computed on a
// preprocessed grid back to the input's grid.
at::Tensor resample_onto(const at::Tensor& data, const Geometry& from, const Geometry& to,
                         const std::vector<int64_t>& to_shape, bool nearest, Padding padding);

// Matrix helpers ((dims+1) x (dims+1), row-major).
Matrix identity_matrix(int dims);
Matrix matmul(const Matrix& a, const Matrix& b, int dims);
Matrix invert(const Matrix& m, int dims);  // throws ConfigError if singular

}  // namespace medcnn::spatial_ops
