// Segmenter maps on the input's own grid: when preprocessing crops or
// resamples, the written maps overlay the input. Checked against the maps
// the same model gives on the preprocessed grid, placed by hand at the
// crop's offset, and against the geometry of the input.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/rng.h"
#include "medcnn/data/phantom.h"
#include "medcnn/infer/segmenter.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/transform.h"
#include "network_build.h"
#include "phantom_disc.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;
using torch::indexing::Slice;

namespace {

Sample phantom_case() {
  Sample s = mt::float_phantom(48, 5, 7, 11);
  s.image.geometry.spacing = {0.5, 0.7, 1};
  s.image.geometry.origin = {-3, 4, 0};
  return s;
}

TEST(SegmenterGrid, CroppedCaseComesBackAtItsOffsetWithBackgroundAround) {
  torch::manual_seed(2);
  NetworkPtr net = mt::build_network("unet", {{"depth", 2}, {"width", 4}}, 2, 1, 2);
  Compose crop = make_transforms(nlohmann::json::parse(
      R"([{"name": "CenterSpatialCrop", "roi_size": [24, 32]}])"));
  SegmenterOptions so;
  so.window.roi_size = {24, 32};
  so.show_progress = false;
  so.optimize = false;
  const Sample input = phantom_case();
  so.input_grid = false;
  SegmentationResult on_crop = Segmenter({net}, crop, so).segment(input);
  ASSERT_TRUE(on_crop.grid_changed);
  ASSERT_EQ(on_crop.labels.spatial_shape(), (std::vector<int64_t>{24, 32}));
  so.input_grid = true;
  SegmentationResult back = Segmenter({net}, crop, so).segment(input);
  EXPECT_FALSE(back.grid_changed);
  EXPECT_EQ(back.labels.spatial_shape(), input.image.spatial_shape());
  EXPECT_TRUE(back.labels.geometry.same_as(input.image.geometry));
  EXPECT_TRUE(back.probabilities.geometry.same_as(input.image.geometry));
  // CenterSpatialCrop of 48x48 to 24x32 starts at (y 12, x 8).
  at::Tensor inside = back.probabilities.data.index({Slice(), Slice(12, 36), Slice(8, 40)});
  EXPECT_LT((inside - on_crop.probabilities.data).abs().max().item<double>(), 1e-5);
  EXPECT_TRUE(back.labels.data.index({Slice(), Slice(12, 36), Slice(8, 40)}).equal(on_crop.labels.data));
  // Outside the crop: background, probability 1.
  at::Tensor outside = torch::ones({48, 48}, torch::kBool);
  outside.index_put_({Slice(12, 36), Slice(8, 40)}, false);
  EXPECT_EQ(back.labels.data[0].masked_select(outside).max().item<int64_t>(), 0);
  EXPECT_NEAR(back.probabilities.data[0].masked_select(outside).min().item<double>(), 1.0, 1e-6);
  // Written maps carry the input's size and geometry (NIfTI keeps spacing
  // and origin; PNG has no place for them).
  mt::TempDir dir;
  so.label_format = "nii.gz";
  auto files = Segmenter({net}, crop, so).write(back, dir.path());
  Image written = read_image(files.at(0));
  EXPECT_EQ(written.spatial_shape(), input.image.spatial_shape());
  EXPECT_TRUE(written.geometry.same_as(input.image.geometry, 1e-3));
}

TEST(SegmenterGrid, ResizedCaseIsUpsampledBackAndStillFindsTheDisc) {
  // A U-Net fitted briefly on the phantom at 24x24 (Resize), segmenting the
  // 48x48 input: the map comes back at 48x48 and overlaps the true disc.
  torch::manual_seed(4);
  NetworkPtr net = mt::build_network("unet", {{"depth", 2}, {"width", 8}}, 2, 1, 2);
  Compose resize = make_transforms(nlohmann::json::parse(
      R"([{"name": "Resize", "spatial_size": [24, 24]}])"));
  Sample input = phantom_case();
  Sample small = input;
  Rng rng(0);
  resize.apply(small, rng);
  at::Tensor x = small.image.data.unsqueeze(0);
  at::Tensor y = small.mask->data.gt(0).to(torch::kLong);
  torch::optim::Adam opt(net->parameters(), 0.01);
  net->train();
  for (int step = 0; step < 150; ++step) {
    opt.zero_grad();
    at::Tensor loss = torch::nn::functional::cross_entropy(net->forward(x), y);
    loss.backward();
    opt.step();
  }
  SegmenterOptions so;
  so.window.roi_size = {24, 24};
  so.show_progress = false;
  so.optimize = false;
  SegmentationResult r = Segmenter({net}, resize, so).segment(input);
  ASSERT_EQ(r.labels.spatial_shape(), input.image.spatial_shape());
  const double dice = mt::foreground_dice(r.labels.data[0].gt(0).to(torch::kLong),
                                          input.mask->data[0].gt(0).to(torch::kLong));
  EXPECT_GT(dice, 0.8);
}

}  // namespace
