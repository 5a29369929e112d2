// Patch-heatmap detection: regions of the heatmap worked by hand, and the
// heatmap of a pyramidal TIFF made here with vips against a patch
// "classifier" whose answer is known (a network that reads the patch's mean
// darkness), with Otsu's tissue mask checked against skimage.
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/infer/slide_heatmap.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/slide.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

// A 2-class "classifier" of RGB patches: logit(lesion) - logit(tissue) =
// 40 * (0.5 - mean intensity / 255): dark patches are
// lesions. Registered under a test-only name.
class DarknessNet : public Network {
 public:
  explicit DarknessNet(const NetworkSpec& s) : Network(s) {}
  at::Tensor features(at::Tensor x) override { return (x.mean({1, 2, 3}) / 255).unsqueeze(1); }
  at::Tensor head(at::Tensor f) override {
    return torch::cat({torch::zeros_like(f), 40 * (0.5 - f)}, 1);
  }
  void reset_head(int64_t) override {}
};
MEDCNN_REGISTER_NETWORK("test_darkness", DarknessNet);

NetworkPtr darkness() {
  NetworkSpec s;
  s.name = "test_darkness";
  s.in_channels = 3;
  s.num_classes = 2;
  return make_network(s);
}

}  // namespace

TEST(HeatmapDetections, RegionsOfAHeatmapWorkedByHand) {
  SlideHeatmap h;
  h.probability = torch::tensor({0.9f, 0.6f, 0.0f, 0.0f,   //
                                 0.0f, 0.0f, 0.0f, 0.7f,   //
                                 0.0f, 0.0f, 0.55f, 0.0f,  //
                                 0.2f, 0.0f, 0.0f, 0.0f})
                      .reshape({4, 4});
  h.cell_level0 = 10;
  h.width = 35;  // the last column of cells reaches past the slide
  h.height = 40;
  auto boxes = heatmap_detections(h, 0.5);
  ASSERT_EQ(boxes.size(), 2u);
  // {(0,0), (0,1)}: x 0..20, y 0..10, score 0.9
  EXPECT_FLOAT_EQ(boxes[0].score, 0.9f);
  EXPECT_DOUBLE_EQ(boxes[0].lo[0], 0);
  EXPECT_DOUBLE_EQ(boxes[0].hi[0], 20);
  EXPECT_DOUBLE_EQ(boxes[0].hi[1], 10);
  // {(1,3), (2,2)} joined diagonally (8-connectivity): x 20..35 (clipped), y 10..30
  EXPECT_FLOAT_EQ(boxes[1].score, 0.7f);
  EXPECT_DOUBLE_EQ(boxes[1].lo[0], 20);
  EXPECT_DOUBLE_EQ(boxes[1].hi[0], 35);
  EXPECT_DOUBLE_EQ(boxes[1].lo[1], 10);
  EXPECT_DOUBLE_EQ(boxes[1].hi[1], 30);
  EXPECT_EQ(heatmap_detections(h, 0.95).size(), 0u);
  EXPECT_EQ(heatmap_detections(h, 0.1).size(), 3u);  // the 0.2 cell alone
}

TEST(SlideHeatmap, KnownPatternThroughOpenSlideAndOtsu) {
  if (mt::run_command("command -v vips").exit_code != 0) GTEST_SKIP() << "vips not installed";
  mt::TempDir dir;
  // 1024 x 768 RGB: white glass; tissue (grey 150) on x < 640; a dark lesion
  // (grey 40) at x 128..256, y 256..384 (exactly 2 x 2 cells of 64).
  at::Tensor img = torch::full({3, 768, 1024}, 245, torch::kByte);
  using torch::indexing::Slice;
  img.index_put_({Slice(), Slice(), Slice(0, 640)}, 150);
  img.index_put_({Slice(), Slice(256, 384), Slice(128, 256)}, 40);
  write_image(dir.file("flat.png"), Image(img, Geometry::identity(2), PixelType::UInt8));
  auto r = mt::run_command("vips tiffsave " + mt::shell_quote(dir.file("flat.png")) + " " +
                           mt::shell_quote(dir.file("slide.tif")) +
                           " --tile --pyramid --tile-width 128 --tile-height 128 --compression deflate");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Slide slide(dir.file("slide.tif"));
  ASSERT_GT(slide.level_count(), 1);
  SlideHeatmapOptions o;
  o.patch = 64;
  o.stride = 64;
  o.tile = 256;  // 4 x 4 cells per read: several tiles, some of them glass only
  o.optimize = false;
  o.min_tissue = 0.5;
  SlideHeatmap h = slide_heatmap(slide, {darkness()}, Compose({}), o);
  ASSERT_EQ(h.probability.sizes(), at::IntArrayRef({12, 16}));
  // A skimage oracle for the Otsu threshold of the mask level's luminance
  // (the coarsest level at least 512 pixels a side: level 0 here)
  const auto [tw, th] = slide.level_size(0);
  Image thumb = slide.read_region(0, 0, 0, tw, th);
  write_image(dir.file("thumb.png"), thumb);
  nlohmann::json ref = mt::run_oracle("slide_otsu.py", {dir.file("thumb.png")});
  ASSERT_TRUE(ref.contains("threshold")) << ref.dump();
  EXPECT_NEAR(h.otsu_threshold, ref["threshold"].get<double>(), 1e-3);
  // Otsu: tissue = the 10 left columns of cells, glass the 6 right ones
  // (skimage's threshold of the thumbnail's luminance separates 150 and 245)
  at::Tensor tissue_cols = h.tissue.to(torch::kLong).sum(0);
  for (int64_t c = 0; c < 16; ++c) EXPECT_EQ(tissue_cols[c].item<int64_t>(), c < 10 ? 12 : 0) << c;
  EXPECT_EQ(h.patches_classified, 120);
  // p = sigmoid(40 (0.5 - mean/255)): the lesion's 4 cells ~1, tissue ~0.04
  const double p_lesion = 1 / (1 + std::exp(-40 * (0.5 - 40 / 255.0)));
  const double p_tissue = 1 / (1 + std::exp(-40 * (0.5 - 150 / 255.0)));
  auto p = h.probability.accessor<float, 2>();
  for (int64_t i = 0; i < 12; ++i)
    for (int64_t j = 0; j < 16; ++j) {
      const bool lesion = i >= 4 && i < 6 && j >= 2 && j < 4;
      const double want = j >= 10 ? 0.0 : lesion ? p_lesion : p_tissue;
      EXPECT_NEAR(p[i][j], want, 2e-3) << i << "," << j;
    }
  auto boxes = heatmap_detections(h, 0.5);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_DOUBLE_EQ(boxes[0].lo[0], 128);
  EXPECT_DOUBLE_EQ(boxes[0].lo[1], 256);
  EXPECT_DOUBLE_EQ(boxes[0].hi[0], 256);
  EXPECT_DOUBLE_EQ(boxes[0].hi[1], 384);
  // A grey-scale model is refused with a clear message
  NetworkSpec grey;
  grey.name = "test_darkness";
  grey.in_channels = 1;
  grey.num_classes = 2;
  const std::string m = mt::expect_error<DataError>(
      [&] { slide_heatmap(slide, {make_network(grey)}, Compose({}), o); });
  EXPECT_NE(m.find("3 channels"), std::string::npos) << m;
}
