// Adapted Rand error: the segmentation score of the ISBI 2012 EM challenge
// and SNEMI3D (Arganda-Carreras et al. 2015, Front. Neuroanat. 9:142), for
// instance labelings (each object its own label). Plain arrays, no torch.
//
// adapted_rand_error(truth, test, n): over the n voxels whose truth label is
// not 0 (label 0 in the truth is ignored: the membranes, the background),
// with p_ij the number of such voxels labelled i in truth and j in test
// (test label 0 is a segment like any other), a_i = sum_j p_ij and
// b_j = sum_i p_ij:
//   pairs   = sum p_ij^2 - N,  pairs_truth = sum a_i^2 - N,
//   pairs_test = sum b_j^2 - N  (N = the voxels counted; each is twice the
//   number of voxel pairs sharing a label)
//   precision = pairs / pairs_test, recall = pairs / pairs_truth,
//   error = 1 - 2 precision recall / (precision + recall).
// As skimage.metrics.adapted_rand_error(truth, test) (scikit-image 0.19 swaps
// the names precision and recall; the error is the same). NaN when a
// denominator is 0 (no pair of voxels shares a label: nothing counted, or
// only single-voxel objects).
//
// label_components(mask, grid, labels): labels the voxels where mask != 0
// 1..n by connected component with face connectivity (4 neighbours in 2-D,
// 6 in 3-D), in C order of each component's first voxel, 0 elsewhere;
// returns n. DataError for a bad grid (check_grid).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "medcnn/metrics/surface_distance.h"  // Grid

namespace medcnn {

struct RandScores {
  double error = 0, precision = 0, recall = 0;
};

RandScores adapted_rand_error(const int64_t* truth, const int64_t* test, size_t n);

int64_t label_components(const uint8_t* mask, const Grid& grid, std::vector<int64_t>& labels);

}  // namespace medcnn
