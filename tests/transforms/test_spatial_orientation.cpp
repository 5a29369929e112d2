// Orientation: the same voxel array as nibabel.as_closest_canonical on the
// real brain NIfTI (LSA -> RAS), diagonal directions for the codes, a
// marked voxel keeps its physical position, boxes follow, errors.
#include <torch/torch.h>

#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/spatial/orientation.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using medcnn::test::read_raw_float;

namespace {

// A 3-D sample with an oblique-free but permuted, flipped direction.
Sample permuted_sample() {
  Sample s = test::object_sample({5, 6, 7}, {1, 2, 3}, {3, 5, 6});
  Geometry& g = s.image.geometry;
  g.spacing = {0.8, 1.5, 2.5};
  g.origin = {12, -30, 4};
  // axis x -> -z (I), axis y -> +x (L), axis z -> -y (A): code "ILA"
  g.direction = {0, 1, 0, 0, 0, -1, -1, 0, 0};
  s.mask->geometry = g;
  return s;
}

}  // namespace

TEST(Orientation, MatchesNibabelClosestCanonicalOnTheBrainVolume) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz");
  Sample s;
  s.image = read_image(path);
  EXPECT_EQ(Orientation::code_of(s.image.geometry), "LSA");
  const at::Tensor before = s.image.data.clone();
  Orientation o(Params{{"axcodes", "RAS"}});
  Rng rng(0);
  o.apply(s, rng);
  test::TempDir tmp;
  auto out = test::run_oracle("transforms_spatial_orientation.py", {path, tmp.file("o.raw")});
  ASSERT_FALSE(out.is_null());
  EXPECT_EQ(out["codes_before"].get<std::string>(), "LSA");
  auto shape = out["shape"].get<std::vector<int64_t>>();
  ASSERT_EQ(s.image.spatial_shape(), shape);
  at::Tensor expect = read_raw_float(tmp.file("o.raw"), shape);
  EXPECT_TRUE(torch::equal(s.image.data[0].to(torch::kFloat), expect));
  EXPECT_FALSE(before.sizes() == s.image.data.sizes() && torch::equal(before, s.image.data));
  // Direction diag(-1, -1, 1) (RAS in ITK's LPS frame), spacing permuted.
  const std::array<double, 9> ras{-1, 0, 0, 0, -1, 0, 0, 0, 1};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(s.image.geometry.direction[i], ras[i], 1e-9) << i;
  EXPECT_EQ(Orientation::code_of(s.image.geometry), "RAS");
  // nibabel's canonical affine (RAS) = our geometry with x, y negated.
  auto aff = out["affine"];
  for (int r = 0; r < 3; ++r) {
    const double sign = r < 2 ? -1.0 : 1.0;
    EXPECT_NEAR(sign * s.image.geometry.origin[r], aff[r][3].get<double>(), 1e-4) << r;
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(sign * s.image.geometry.dir(r, c) * s.image.geometry.spacing[c],
                  aff[r][c].get<double>(), 1e-4)
          << r << "," << c;
  }
}

TEST(Orientation, DiagonalDirectionsAndPhysicalPositions) {
  for (std::string code : {"RAS", "LPS", "SAR", "ipl"}) {
    Sample s = permuted_sample();
    at::Tensor marker = torch::zeros_like(s.image.data);
    marker[0][1][4][2] = 1;  // z=1, y=4, x=2
    s.image = s.image.with_data(marker);
    const Geometry g0 = s.image.geometry;
    Orientation o(Params{{"axcodes", code}});
    Rng rng(0);
    o.apply(s, rng);
    std::string upper = code;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    EXPECT_EQ(Orientation::code_of(s.image.geometry), upper);
    // Each column is +- a unit axis.
    for (int c = 0; c < 3; ++c) {
      double norm = 0;
      for (int r = 0; r < 3; ++r) norm += std::abs(s.image.geometry.dir(r, c));
      EXPECT_NEAR(norm, 1.0, 1e-12);
    }
    at::Tensor nz = torch::nonzero(s.image.data[0]);
    ASSERT_EQ(nz.size(0), 1);
    auto p_new = s.image.geometry.index_to_physical({static_cast<double>(nz[0][2].item<int64_t>()),
                                                     static_cast<double>(nz[0][1].item<int64_t>()),
                                                     static_cast<double>(nz[0][0].item<int64_t>())});
    auto p_old = g0.index_to_physical({2, 4, 1});
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(p_new[i], p_old[i], 1e-9) << code;
    Box m = test::mask_bbox(s.mask->data);
    for (int j = 0; j < 3; ++j) {
      EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], m.lo[j]) << code << " " << j;
      EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], m.hi[j]) << code << " " << j;
    }
  }
  // LPS on an identity geometry changes nothing; RAS gives diag(-1, -1, 1).
  Sample t = test::object_sample({3, 4, 5}, {0, 0, 0}, {1, 1, 1});
  Sample u = t;
  Rng rng(0);
  Orientation(Params{{"axcodes", "LPS"}}).apply(t, rng);
  EXPECT_TRUE(torch::equal(t.image.data, u.image.data));
  Orientation(Params{}).apply(u, rng);
  EXPECT_EQ(u.image.geometry.direction, (std::array<double, 9>{-1, 0, 0, 0, -1, 0, 0, 0, 1}));
}

TEST(Orientation, TwoDimensionalImagesUseTheirOwnAxes) {
  Sample s = test::object_sample({6, 8}, {1, 1}, {2, 3});
  const at::Tensor before = s.image.data.clone();
  Orientation o(Params{{"axcodes", "RAS"}});  // axial slice: "RA"
  Rng rng(0);
  o.apply(s, rng);
  EXPECT_TRUE(torch::equal(s.image.data, before.flip({1, 2})));
  EXPECT_EQ(Orientation::code_of(s.image.geometry), "RA");
}

TEST(Orientation, BadCodesAreConfigErrors) {
  EXPECT_THROW(Orientation(Params{{"axcodes", "RAX"}}), ConfigError);
  EXPECT_THROW(Orientation(Params{{"axcodes", "RLS"}}), ConfigError);
  EXPECT_THROW(Orientation(Params{{"axcodes", "RASR"}}), ConfigError);
  EXPECT_THROW(Orientation(Params{{"codes", "RAS"}}), ConfigError);
  Sample s = test::object_sample({3, 4, 5}, {0, 0, 0}, {1, 1, 1});
  Orientation two(Params{{"axcodes", "RA"}});
  Rng rng(0);
  EXPECT_THROW(two.apply(s, rng), ConfigError);
}
