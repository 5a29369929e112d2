// Spacing: against scipy.ndimage.map_coordinates (order 1 and cubic
// B-spline order 3) on the real brain MRI volume, nearest keeps the label
// set of the real label map, geometry and boxes, parameter errors.
#include <torch/torch.h>

#include <fstream>
#include <set>

#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/spatial/spacing.h"
#include "medcnn/transforms/spatial/spatial_ops.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using medcnn::test::read_raw_float;
using medcnn::test::labels_of;

namespace {

const char* kBrain = "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz";
const char* kLabels = "brain-mri-itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz";
const std::vector<int64_t> kStart{15, 30, 30}, kSize{30, 64, 64};  // tensor order crop

void compare_with_scipy(const std::string& path, const std::string& pixdim,
                        const std::vector<double>& pixdim_v, const std::string& mode, int order,
                        double tol) {
  SCOPED_TRACE(pixdim + " " + mode);
  Sample s;
  s.image = read_image(path);
  ASSERT_EQ(s.image.dims(), 3);
  EXPECT_NEAR(s.image.geometry.spacing[0], 2.0, 1e-6);
  EXPECT_NEAR(s.image.geometry.spacing[2], 3.0, 1e-6);
  spatial_ops::crop(s, kStart, kSize);
  const Geometry before = s.image.geometry;
  Spacing sp(Params{{"pixdim", pixdim_v}, {"mode", mode}});
  Rng rng(0);
  sp.apply(s, rng);

  test::TempDir tmp;
  auto out = test::run_oracle("transforms_spatial_spacing.py",
                              {path, pixdim, std::to_string(order), "15,30,30", "30,64,64",
                               tmp.file("out.raw")});
  ASSERT_FALSE(out.is_null());
  auto shape = out["shape"].get<std::vector<int64_t>>();
  ASSERT_EQ(s.image.spatial_shape(), shape);
  at::Tensor expect = read_raw_float(tmp.file("out.raw"), shape);
  at::Tensor got = s.image.data[0].to(torch::kFloat);
  // Interior: every output voxel whose sampling position lies >= 2 voxels
  // inside the input on every axis (scipy's boundary rules differ).
  std::vector<at::indexing::TensorIndex> inner;
  for (int a = 0; a < 3; ++a) {
    const int j = 2 - a;
    const double r = pixdim_v[j] / before.spacing[j];
    const int64_t lo = static_cast<int64_t>(std::ceil(2.0 / r));
    const int64_t hi = static_cast<int64_t>(std::floor((kSize[a] - 3.0) / r));
    inner.emplace_back(torch::indexing::Slice(lo, hi + 1));
  }
  at::Tensor g = got.index(inner), e = expect.index(inner);
  ASSERT_GT(g.numel(), got.numel() / 3);
  const double rel = ((g - e).abs() / e.abs().clamp_min(1.0)).max().item<double>();
  EXPECT_LT(rel, tol);
  // And it is a real resampling (the test can fail): a shifted grid is far off.
  EXPECT_GT((g.narrow(0, 1, g.size(0) - 1) - e.narrow(0, 0, e.size(0) - 1)).abs().max().item<double>(), 1.0);
  // Geometry: spacing replaced, origin and direction kept.
  for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(s.image.geometry.spacing[j], pixdim_v[j]);
  for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(s.image.geometry.origin[j], before.origin[j]);
  EXPECT_EQ(s.image.geometry.direction, before.direction);
}

}  // namespace

TEST(Spacing, LinearMatchesScipyOnTheBrainVolume) {
  MEDCNN_REQUIRE_DATA(path, kBrain);
  compare_with_scipy(path, "3,3,3", {3, 3, 3}, "linear", 1, 1e-3);
  compare_with_scipy(path, "1.5,1.5,1.5", {1.5, 1.5, 1.5}, "linear", 1, 1e-3);
}

TEST(Spacing, BSplineMatchesScipyCubicSpline) {
  MEDCNN_REQUIRE_DATA(path, kBrain);
  compare_with_scipy(path, "1.5,1.5,2", {1.5, 1.5, 2.0}, "bspline", 3, 1e-3);
}

TEST(Spacing, NearestKeepsTheLabelSetOfTheRealLabelMap) {
  MEDCNN_REQUIRE_DATA(img_path, kBrain);
  MEDCNN_REQUIRE_DATA(lab_path, kLabels);
  Sample s;
  s.image = read_image(img_path);
  s.mask = read_image(lab_path);
  const auto labels = labels_of(s.mask->data);
  EXPECT_EQ(labels.size(), 7u);
  const auto dtype = s.mask->data.scalar_type();
  for (double sp : {3.0, 1.7}) {
    Sample t = s;
    Spacing spacing(Params{{"pixdim", sp}});
    Rng rng(0);
    spacing.apply(t, rng);
    EXPECT_EQ(labels_of(t.mask->data), labels) << sp;
    EXPECT_EQ(t.mask->data.scalar_type(), dtype);
    EXPECT_EQ(t.mask->spatial_shape(), t.image.spatial_shape());
    EXPECT_TRUE(t.mask->geometry.same_as(t.image.geometry));
    // The image follows the label map: nearest on both gives the same map.
    Sample u = s;
    u.image = *s.mask;
    Spacing nn(Params{{"pixdim", sp}, {"mode", "nearest"}});
    nn.apply(u, rng);
    EXPECT_TRUE(torch::equal(u.image.data, u.mask->data));
  }
}

TEST(Spacing, SizeGeometryAndBoxes) {
  // 2-D, spacing (x 0.5, y 2): to 1 mm -> x halves, y doubles.
  Sample s = test::object_sample({10, 40}, {2, 8}, {6, 24});
  s.image.geometry.spacing = {0.5, 2.0, 1.0};
  s.image.geometry.origin = {3, -7, 0};
  s.mask->geometry = s.image.geometry;
  Spacing sp(Params{{"pixdim", {1.0, 1.0}}});
  Rng rng(0);
  sp.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{20, 20}));
  EXPECT_DOUBLE_EQ(s.image.geometry.spacing[0], 1.0);
  EXPECT_DOUBLE_EQ(s.image.geometry.spacing[1], 1.0);
  EXPECT_DOUBLE_EQ(s.image.geometry.origin[0], 3.0);
  Box m = test::mask_bbox(s.mask->data);
  ASSERT_EQ(s.boxes.size(), 1u);
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(s.boxes[0].lo[j], m.lo[j], 1.0) << j;
    EXPECT_NEAR(s.boxes[0].hi[j], m.hi[j], 1.0) << j;
  }
  // Physical extent kept: n * spacing.
  EXPECT_DOUBLE_EQ(20 * 1.0, 40 * 0.5);
  // pixdim <= 0 keeps an axis; the same spacing is a no-op.
  Sample t = test::object_sample({10, 40}, {2, 8}, {6, 24});
  Sample u = t;
  Spacing keep(Params{{"pixdim", {2.0, -1.0}}});
  keep.apply(t, rng);
  EXPECT_EQ(t.image.spatial_shape(), (std::vector<int64_t>{10, 20}));
  Spacing same(Params{{"pixdim", 1.0}});
  same.apply(u, rng);
  EXPECT_EQ(u.image.spatial_shape(), (std::vector<int64_t>{10, 40}));
}

TEST(Spacing, BSplineReproducesARampInTheInterior) {
  // Cubic B-spline interpolation reproduces polynomials up to degree 3; the
  // mirror boundary's influence decays as 0.268^k, so 14 pixels in it is
  // below 1e-6.
  const int64_t n = 40;
  at::Tensor x = torch::arange(n).to(torch::kDouble);
  at::Tensor ramp = (x * 0.5 + 3.0).view({1, 1, n});
  Sample s;
  s.image = Image::from_tensor(ramp, 2);
  s.image.geometry.spacing = {1.0, 1.0, 1.0};
  Spacing sp(Params{{"pixdim", {0.37, 1.0}}, {"mode", "bspline"}});
  Rng rng(0);
  sp.apply(s, rng);
  const int64_t m = s.image.data.size(2);
  EXPECT_EQ(m, 108);  // round(40 / 0.37)
  for (int64_t i = 0; i < m; ++i) {
    const double q = i * 0.37;
    if (q < 14 || q > n - 15) continue;
    EXPECT_NEAR(s.image.data[0][0][i].item<double>(), q * 0.5 + 3.0, 1e-6) << i;
  }
}

TEST(Spacing, BadParametersAreConfigErrors) {
  EXPECT_THROW(Spacing(Params{{"mode", "linear"}}), ConfigError);
  EXPECT_THROW(Spacing(Params{{"pixdim", 1.0}, {"interp", "linear"}}), ConfigError);
  EXPECT_THROW(Spacing(Params{{"pixdim", 1.0}, {"mode", "lanczos"}}), ConfigError);
  EXPECT_THROW(Spacing(Params{{"pixdim", "one"}}), ConfigError);
  Spacing two(Params{{"pixdim", {1.0, 1.0}}});
  Sample v = test::object_sample({4, 4, 4}, {0, 0, 0}, {1, 1, 1});
  Rng rng(0);
  EXPECT_THROW(two.apply(v, rng), ConfigError);
}
