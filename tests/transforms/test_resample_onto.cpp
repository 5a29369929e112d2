// resample_onto / grid_to_grid: maps moved between grids by physical
// position, each case worked out by hand (a coarser grid, a cropped grid, a
// grid whose x axis is reversed, a 3-D anisotropic grid).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/transforms/spatial/resample_ops.h"

using namespace medcnn;
namespace so = medcnn::spatial_ops;

namespace {

double max_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

TEST(ResampleOnto, CoarseGridUpsampledLinearlyByPosition) {
  // from: 2x2 pixels of 2 mm, centres at 0 and 2 mm; to: 3x3 pixels of 1 mm
  // from 0 mm. Pixel (y, x) of `to` lies at from-index (y / 2, x / 2).
  Geometry from = Geometry::identity(2), to = Geometry::identity(2);
  from.spacing = {2, 2, 1};
  at::Tensor data = torch::tensor({0.0, 1.0, 2.0, 3.0}).view({1, 2, 2});  // value = 2y + x
  at::Tensor out = so::resample_onto(data, from, to, {3, 3}, false, so::Padding::Border);
  at::Tensor expected = torch::tensor({0.0, 0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 2.5, 3.0}).view({1, 3, 3});
  EXPECT_LT(max_diff(out, expected), 1e-6);
}

TEST(ResampleOnto, CroppedGridGoesBackToItsOffsetWithZerosAround) {
  // from: a 2x3 crop whose first pixel is the input's (y 1, x 2).
  Geometry from = Geometry::identity(2), to = Geometry::identity(2);
  from.origin = {2, 1, 0};
  at::Tensor data = torch::arange(1, 7, torch::kFloat).view({1, 2, 3});
  at::Tensor out = so::resample_onto(data, from, to, {4, 6}, false, so::Padding::Zeros);
  at::Tensor expected = torch::zeros({1, 4, 6});
  expected.index_put_({0, torch::indexing::Slice(1, 3), torch::indexing::Slice(2, 5)}, data[0]);
  EXPECT_LT(max_diff(out, expected), 1e-6);
  // Nearest keeps integer labels and their dtype.
  at::Tensor labels = torch::tensor({1, 2, 3, 4, 5, 6}, torch::kByte).view({1, 2, 3});
  at::Tensor back = so::resample_onto(labels, from, to, {4, 6}, true, so::Padding::Zeros);
  EXPECT_EQ(back.scalar_type(), torch::kByte);
  EXPECT_TRUE(back.equal(expected.to(torch::kByte)));
}

TEST(ResampleOnto, ReversedAxisIsReadBackwards) {
  // from: x direction -1, origin x = 3: index i lies at x = 3 - i.
  Geometry from = Geometry::identity(2), to = Geometry::identity(2);
  from.set_dir(0, 0, -1.0);
  from.origin = {3, 0, 0};
  at::Tensor data = torch::tensor({10.0, 20.0, 30.0, 40.0}).view({1, 1, 4});
  at::Tensor out = so::resample_onto(data, from, to, {1, 4}, false, so::Padding::Zeros);
  EXPECT_LT(max_diff(out, torch::tensor({40.0, 30.0, 20.0, 10.0}).view({1, 1, 4})), 1e-6);
}

TEST(ResampleOnto, AnisotropicVolumeAlongItsSliceAxis) {
  // from: 3 slices of 3 mm (z) resampled onto 7 slices of 1 mm starting at
  // z = 0: slice k lies at from-index k / 3; beyond the last centre, border.
  Geometry from = Geometry::identity(3), to = Geometry::identity(3);
  from.spacing = {1, 1, 3};
  at::Tensor data = torch::tensor({0.0, 3.0, 9.0}).view({1, 3, 1, 1});
  at::Tensor out = so::resample_onto(data, from, to, {7, 1, 1}, false, so::Padding::Border);
  at::Tensor expected = torch::tensor({0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 9.0}).view({1, 7, 1, 1});
  EXPECT_LT(max_diff(out, expected), 1e-6);
  const auto B = so::grid_to_grid(from, to);  // tensor order: z row first
  EXPECT_NEAR(B[0 * 4 + 0], 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(B[1 * 4 + 1], 1.0, 1e-12);
}

}  // namespace
