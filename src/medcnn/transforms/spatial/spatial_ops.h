// Shared building blocks of the spatial and crop/pad transforms.
//
// Contract: every function moves the image, the mask (if any) and the boxes
// of a Sample together and updates the geometry so that the physical
// position (origin + direction * spacing .* index) of every kept pixel is
// unchanged. Axes and sizes are given in TENSOR order without the channel
// axis (for [C, D, H, W]: 0 = D = z, 1 = H = y, 2 = W = x); spatial tensor
// axis a is image axis j = dims - 1 - a (x, y, z order, as in Box and
// Geometry).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "medcnn/data/sample.h"

namespace medcnn::spatial_ops {

// Image axis (0 = x) of spatial tensor axis a of a dims-D image.
inline int image_axis(int dims, int tensor_axis) { return dims - 1 - tensor_axis; }

// A size parameter against an image's spatial shape: one value applies to
// every axis; otherwise one value per axis. Values <= 0 keep the input size.
// Throws ConfigError "<transform>.<key>: ..." when the length does not fit.
std::vector<int64_t> resolve_size(const std::vector<int64_t>& param,
                                  const std::vector<int64_t>& shape, const std::string& transform,
                                  const std::string& key);

// Axis list (negative counts from the end) -> checked tensor axes; empty
// list = every spatial axis.
std::vector<int64_t> resolve_axes(const std::vector<int64_t>& axes, int dims,
                                  const std::string& transform, const std::string& key);

// Keeps [start, start + size) along each spatial tensor axis (must lie
// inside the image). Boxes are clipped to the crop and dropped when nothing
// of them is left.
void crop(Sample& s, const std::vector<int64_t>& start, const std::vector<int64_t>& size);

// Adds before[a] / after[a] pixels on each spatial tensor axis: the image
// gets `value`, the mask 0. Boxes are shifted.
void pad(Sample& s, const std::vector<int64_t>& before, const std::vector<int64_t>& after,
         double value);

// Mirrors the listed spatial tensor axes. The geometry gets the far corner
// as origin and the direction column negated, so content stays in place.
void flip(Sample& s, const std::vector<int64_t>& axes);

// Reorders the spatial tensor axes: output axis a is input axis perm[a]
// (perm a permutation of 0..dims-1). Spacing and direction columns move
// with their axes, the origin stays (pixel 0 is the same pixel), boxes swap
// coordinates. No interpolation.
void permute(Sample& s, const std::vector<int64_t>& perm);

// Rotates the content by 90 degrees k times in the plane of spatial tensor
// axes (a, b), as torch::rot90(x, k, {a, b}) (one turn = flip b, then swap
// a and b). Built from flip and permute, so geometry and boxes follow.
void rot90(Sample& s, int64_t k, int64_t a, int64_t b);

// Resamples image and mask to `size` (tensor order) over the same physical
// extent; see Resize for the contract (align_corners = false; image linear
// unless nearest; mask nearest by pixel centres; boxes scaled; spacing and
// origin updated so the extent and the pixel centres stay true).
void resize(Sample& s, const std::vector<int64_t>& size, bool nearest_image);

}  // namespace medcnn::spatial_ops
