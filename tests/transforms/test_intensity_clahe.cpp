// CLAHE (OpenCV): range and type invariants, local contrast increases, 3-D
// is slice-wise 2-D, and loose agreement with skimage equalize_adapthist.
#include <torch/torch.h>

#include "test_intensity_support.h"

using namespace medcnn;
using test::apply_transform;
using test::intensity_sample;

namespace {
// Smooth low-contrast uint8 image: a gradient plus a faint pattern in 100..140.
at::Tensor low_contrast(int64_t h, int64_t w, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  at::Tensor yy = torch::arange(h, torch::kDouble).reshape({h, 1}).expand({h, w});
  at::Tensor xx = torch::arange(w, torch::kDouble).reshape({1, w}).expand({h, w});
  at::Tensor v = 100 + 20 * yy / h + 8 * torch::sin(xx / 3.0) * torch::cos(yy / 5.0) +
                 4 * torch::rand({h, w}, gen, torch::kDouble);
  return v.round().clamp(0, 255).to(torch::kUInt8).unsqueeze(0);
}
}  // namespace

TEST(IntensityCLAHE, Uint8KeepsTypeAndRaisesLocalContrast) {
  at::Tensor x = low_contrast(64, 64, 1);
  Sample s = intensity_sample(x, 2);
  s.image.pixel_type = PixelType::UInt8;
  Sample o = apply_transform("CLAHE", {{"clip_limit", 2.0}, {"tile_grid_size", {8, 8}}}, s);
  EXPECT_EQ(o.image.pixel_type, PixelType::UInt8);
  EXPECT_EQ(o.image.data.scalar_type(), torch::kByte);
  EXPECT_EQ(o.image.data.sizes(), x.sizes());
  // Local contrast: std in a central region grows.
  auto region_std = [](const at::Tensor& t) {
    return t[0].slice(0, 24, 40).slice(1, 24, 40).to(torch::kDouble).std().item<double>();
  };
  EXPECT_GT(region_std(o.image.data), 1.5 * region_std(x));
  // Not a global monotone remap, but neighbours keep their order mostly:
  // strongly positive rank correlation with the input.
  at::Tensor a = x.to(torch::kDouble).reshape({-1}), b = o.image.data.to(torch::kDouble).reshape({-1});
  a = a - a.mean();
  b = b - b.mean();
  EXPECT_GT((a * b).sum().item<double>() / (a.norm() * b.norm()).item<double>(), 0.7);
  // A constant image stays constant.
  Sample c = intensity_sample(torch::full({1, 16, 16}, 77, torch::kUInt8), 2);
  c.image.pixel_type = PixelType::UInt8;
  EXPECT_TRUE(torch::equal(apply_transform("CLAHE", Params::object(), c).image.data, c.image.data));
  test::expect_unknown_key_rejected("CLAHE");
}

TEST(IntensityCLAHE, FloatAndUint16AndSliceWise3D) {
  at::Tensor x = low_contrast(48, 40, 2);
  // Float input: rescaled, result float in [0, 1].
  Sample f = intensity_sample(x.to(torch::kFloat) * 0.01f, 2);
  Sample fo = apply_transform("CLAHE", {{"tile_grid_size", 4}}, f);
  EXPECT_EQ(fo.image.data.scalar_type(), torch::kFloat);
  EXPECT_GE(fo.image.data.min().item<float>(), 0.f);
  EXPECT_LE(fo.image.data.max().item<float>(), 1.f);
  // uint16 (int32 storage) keeps its type and range.
  Sample u = intensity_sample((x.to(torch::kInt) * 200), 2);
  u.image.pixel_type = PixelType::UInt16;
  Sample uo = apply_transform("CLAHE", {{"tile_grid_size", 4}}, u);
  EXPECT_EQ(uo.image.pixel_type, PixelType::UInt16);
  EXPECT_EQ(uo.image.data.scalar_type(), torch::kInt);
  EXPECT_GE(uo.image.data.min().item<int>(), 0);
  EXPECT_LE(uo.image.data.max().item<int>(), 65535);
  // 3-D: each z slice equals the 2-D result of that slice.
  at::Tensor vol = torch::stack({x[0], low_contrast(48, 40, 3)[0], x[0].flip(0)}).unsqueeze(0);
  Sample v = intensity_sample(vol, 3);
  v.image.pixel_type = PixelType::UInt8;
  Sample vo = apply_transform("CLAHE", {{"tile_grid_size", 4}}, v);
  for (int64_t z = 0; z < 3; ++z) {
    Sample sl = intensity_sample(vol[0][z].unsqueeze(0).clone(), 2);
    sl.image.pixel_type = PixelType::UInt8;
    EXPECT_TRUE(torch::equal(apply_transform("CLAHE", {{"tile_grid_size", 4}}, sl).image.data[0],
                             vo.image.data[0][z]))
        << "slice " << z;
  }
}

TEST(IntensityCLAHE, CloseToSkimageEqualizeAdapthist) {
  at::Tensor x = low_contrast(64, 64, 4);
  // skimage stretches the input to its full range first: so does the float path.
  Sample s = intensity_sample(x.to(torch::kFloat), 2);
  // skimage clip_limit c (normalised) ~ OpenCV clip_limit 256 c.
  Sample o = apply_transform("CLAHE", {{"clip_limit", 2.56}, {"tile_grid_size", {8, 8}}}, s);
  at::Tensor expect = test::intensity_oracle("EqualizeAdapthist", {{"tiles", {8, 8}}, {"clip_limit", 0.01}},
                                             x.to(torch::kDouble) / 255.0);
  ASSERT_TRUE(expect.defined());
  at::Tensor got = o.image.data.to(torch::kDouble);
  // Different interpolation and clipping details: loose agreement only.
  const double mad = (got - expect).abs().mean().item<double>();
  EXPECT_LT(mad, 0.05) << "mean |opencv - skimage| = " << mad;
}
