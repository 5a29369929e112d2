// N4BiasFieldCorrection on real MRI: a T1 volume multiplied by a known
// smooth bias field is corrected so that the coefficient of variation inside
// the brain falls back close to the original's; 2-D and the Otsu mask path.
#include <torch/torch.h>

#include "medcnn/io/image_io.h"
#include "test_intensity_support.h"

using namespace medcnn;
using test::apply_transform;

namespace {
double cv_inside(const at::Tensor& x, const at::Tensor& m) {
  at::Tensor v = x.masked_select(m).to(torch::kDouble);
  return (v.std() / v.mean()).item<double>();
}

// exp(a * (sum of normalised coordinates)) style smooth field on [spatial].
at::Tensor smooth_field(const std::vector<int64_t>& shape, double strength) {
  at::Tensor f = torch::zeros(shape, torch::kDouble);
  for (size_t a = 0; a < shape.size(); ++a) {
    std::vector<int64_t> view(shape.size(), 1);
    view[a] = shape[a];
    f = f + torch::linspace(-1, 1, shape[a], torch::kDouble).reshape(view) * (a % 2 ? 1.0 : -0.7);
  }
  return torch::exp(strength * f);
}
}  // namespace

TEST(IntensityN4, RemovesSyntheticBiasOnBrainT1) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz");
  Image img = read_image(path);
  ASSERT_EQ(img.dims(), 3);
  at::Tensor x = img.data.to(torch::kDouble);
  // Brain: a generous intensity threshold, eroded away from the border.
  at::Tensor brain = x[0] > 0.25 * x.max().item<double>();
  const auto shape = brain.sizes().vec();
  at::Tensor field = smooth_field(shape, 0.6);
  at::Tensor biased = (x[0] * field).unsqueeze(0);
  Sample s;
  s.id = "t1";
  s.image = img.with_data(biased.to(torch::kFloat), PixelType::Float32);
  s.mask = img.with_data(brain.unsqueeze(0).to(torch::kUInt8), PixelType::UInt8);
  const double cv0 = cv_inside(x[0], brain), cv_b = cv_inside(biased[0], brain);
  ASSERT_GT(cv_b, cv0 + 0.05) << "the synthetic field should hurt";
  Sample o = apply_transform("N4BiasFieldCorrection",
                             {{"shrink_factor", 4}, {"iterations", {20, 20, 10}}, {"convergence_threshold", 0.001}},
                             s);
  EXPECT_EQ(o.image.data.scalar_type(), torch::kFloat);
  EXPECT_EQ(o.image.data.sizes(), s.image.data.sizes());
  const double cv_c = cv_inside(o.image.data[0], brain);
  EXPECT_LT(cv_c, cv_b - 0.75 * (cv_b - cv0)) << "cv original " << cv0 << " biased " << cv_b
                                             << " corrected " << cv_c;
  EXPECT_TRUE(torch::equal(o.mask->data, s.mask->data));
}

TEST(IntensityN4, TwoDWithOtsuMask) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/BrainT1Slice.png");
  Image img = read_image(path);
  at::Tensor x = img.data.narrow(0, 0, 1).to(torch::kDouble);
  at::Tensor brain = x[0] > 0.25 * x.max().item<double>();
  at::Tensor biased = (x[0] * smooth_field(brain.sizes().vec(), 0.4)).unsqueeze(0);
  Sample s;
  s.image = Image::from_tensor(biased.to(torch::kFloat), 2);
  Sample o = apply_transform("N4BiasFieldCorrection", {{"shrink_factor", 2}, {"iterations", {30, 30, 20}}}, s);
  const double cv0 = cv_inside(x[0], brain), cv_b = cv_inside(biased[0], brain);
  const double cv_c = cv_inside(o.image.data[0], brain);
  EXPECT_LT(cv_c, cv_b - 0.6 * (cv_b - cv0)) << cv0 << " " << cv_b << " " << cv_c;
  test::expect_unknown_key_rejected("N4BiasFieldCorrection");
  EXPECT_THROW(TransformRegistry::instance().create("N4BiasFieldCorrection", {{"shrink_factor", 0}}),
               ConfigError);
}
