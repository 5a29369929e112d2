// Surface-distance metrics of binary masks on an anisotropic grid (plain
// arrays, no torch): Hausdorff, 95th-percentile Hausdorff, ASSD and MASD, as
// MONAI's compute_hausdorff_distance / compute_average_surface_distance.
//
// Grid: shape and spacing of 1, 2 or 3 axes in C order (row-major, the last
// axis fastest; a 2-D image is {rows, columns}); spacing per axis in the same
// order (mm), empty = all 1. check_grid throws DataError(where, ...) naming
// "shape" or "spacing" when there are not 1..3 axes, an axis is < 1 voxel, the
// spacing has another length, or a spacing is not finite and > 0.
//
// surface_mask: the foreground voxels (mask != 0) with at least one
// face-connected neighbour (4 in 2-D, 6 in 3-D) in the background, voxels
// outside the grid counting as background — MONAI's get_mask_edges, i.e.
// scipy binary_erosion(mask, cross, border_value=0) XOR mask.
// distance_to_features: for every voxel the exact Euclidean distance (mm,
// with the grid's spacing) to the nearest voxel with features != 0, by the
// separable lower-envelope transform of Felzenszwalb & Huttenlocher (O(N));
// +inf everywhere when there is no feature (scipy distance_transform_edt of
// features == 0 with sampling = spacing).
//
// surface_distances(pred, ref, grid, roi): masks of grid.voxels() values,
// 0/1 (any non-zero counts as 1); roi, when given, is the region of interest:
// voxels with roi == 0 are background in both masks. With A = surface of
// pred, B = surface of ref, d(A->B) = distances from each voxel of A to the
// nearest voxel of B (and d(B->A) the other way):
//   hausdorff   max(max d(A->B), max d(B->A))
//   hausdorff95 max(p95 d(A->B), p95 d(B->A)), p95 = numpy.percentile(.., 95)
//               with linear interpolation (MONAI's convention)
//   assd        mean of the concatenation of d(A->B) and d(B->A)
//   masd        (mean d(A->B) + mean d(B->A)) / 2
// Both masks empty: every value 0. Exactly one empty: every value NaN (MONAI
// returns nan as well, with a warning), and pred_empty / ref_empty say which.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace medcnn {

struct Grid {
  std::vector<int64_t> shape;
  std::vector<double> spacing;  // empty = 1 on every axis
  // Number of voxels (product of shape); assumes a checked grid.
  size_t voxels() const;
  // Spacing of axis a (1 when spacing is empty).
  double spacing_of(size_t a) const { return spacing.empty() ? 1.0 : spacing[a]; }
};

// Throws DataError(where, ...) for a bad grid (see above); returns voxels().
size_t check_grid(const Grid& grid, const std::string& where);

std::vector<uint8_t> surface_mask(const uint8_t* mask, const Grid& grid);
std::vector<double> distance_to_features(const uint8_t* features, const Grid& grid);

struct SurfaceDistances {
  double hausdorff = 0, hausdorff95 = 0, assd = 0, masd = 0;
  bool pred_empty = false, ref_empty = false;
};

SurfaceDistances surface_distances(const uint8_t* pred_mask, const uint8_t* ref_mask,
                                   const Grid& grid, const uint8_t* roi = nullptr);

// numpy.percentile(values, q) with the default linear interpolation; NaN for
// no values. Reorders values.
double percentile_linear(std::vector<double>& values, double q);

}  // namespace medcnn
