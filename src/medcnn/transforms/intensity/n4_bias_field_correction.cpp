#include "medcnn/transforms/intensity/n4_bias_field_correction.h"

#include <torch/torch.h>

#include <itkBSplineControlPointImageFilter.h>
#include <itkImage.h>
#include <itkImageRegionConstIterator.h>
#include <itkN4BiasFieldCorrectionImageFilter.h>
#include <itkOtsuThresholdImageFilter.h>
#include <itkShrinkImageFilter.h>

#include <cstring>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

N4BiasFieldCorrection::N4BiasFieldCorrection(const Params& p) {
  check_keys(p, name(), {"shrink_factor", "iterations", "convergence_threshold", "control_points"});
  shrink_factor_ = param_int(p, name(), "shrink_factor", 4);
  if (shrink_factor_ < 1) throw ConfigError(name() + ".shrink_factor", "must be >= 1");
  iterations_ = param_ints(p, name(), "iterations", {50, 50, 50, 50});
  if (iterations_.empty()) throw ConfigError(name() + ".iterations", "needs at least one level");
  for (int64_t it : iterations_)
    if (it < 1) throw ConfigError(name() + ".iterations", "must be >= 1");
  convergence_threshold_ = param_double(p, name(), "convergence_threshold", 0.001);
  if (!(convergence_threshold_ >= 0))
    throw ConfigError(name() + ".convergence_threshold", "must be >= 0");
  control_points_ = param_int(p, name(), "control_points", 4);
  if (control_points_ < 4) throw ConfigError(name() + ".control_points", "must be >= 4 (spline order 3 + 1)");
}

namespace {

template <typename ImageT>
typename ImageT::Pointer to_itk(const at::Tensor& t, const Geometry& g) {
  constexpr unsigned D = ImageT::ImageDimension;
  auto image = ImageT::New();
  typename ImageT::SizeType size;
  typename ImageT::SpacingType spacing;
  typename ImageT::PointType origin;
  typename ImageT::DirectionType direction;
  for (unsigned d = 0; d < D; ++d) {
    size[d] = static_cast<itk::SizeValueType>(t.size(D - 1 - d));
    spacing[d] = g.spacing[d];
    origin[d] = g.origin[d];
    for (unsigned e = 0; e < D; ++e) direction(d, e) = g.dir(d, e);
  }
  typename ImageT::RegionType region;
  region.SetSize(size);
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate();
  std::memcpy(image->GetBufferPointer(), t.data_ptr(), t.numel() * t.element_size());
  return image;
}

template <unsigned D>
at::Tensor n4_channel(const at::Tensor& ch, const at::Tensor& given_mask, const Geometry& g,
                      int64_t shrink, const std::vector<int64_t>& iterations, double threshold,
                      int64_t control_points) {
  using ImageT = itk::Image<float, D>;
  using MaskT = itk::Image<unsigned char, D>;
  at::Tensor x = ch.to(torch::kFloat).contiguous();
  at::Tensor mask;
  if (given_mask.defined()) {
    mask = given_mask;
  } else {
    auto otsu = itk::OtsuThresholdImageFilter<ImageT, MaskT>::New();
    otsu->SetInput(to_itk<ImageT>(x, g));
    otsu->SetInsideValue(0);  // values <= threshold: background
    otsu->SetOutsideValue(1);
    otsu->Update();
    const auto* buf = otsu->GetOutput()->GetBufferPointer();
    mask = torch::from_blob(const_cast<unsigned char*>(buf), x.sizes(), torch::kUInt8).clone() > 0;
  }
  mask = (mask & (x > 0)).to(torch::kUInt8).contiguous();
  if (mask.sum().item<int64_t>() == 0) return x;

  auto image = to_itk<ImageT>(x, g);
  auto mask_image = to_itk<MaskT>(mask, g);
  auto shrink_image = itk::ShrinkImageFilter<ImageT, ImageT>::New();
  shrink_image->SetInput(image);
  shrink_image->SetShrinkFactors(static_cast<unsigned>(shrink));
  auto shrink_mask = itk::ShrinkImageFilter<MaskT, MaskT>::New();
  shrink_mask->SetInput(mask_image);
  shrink_mask->SetShrinkFactors(static_cast<unsigned>(shrink));
  shrink_image->Update();
  shrink_mask->Update();

  using N4 = itk::N4BiasFieldCorrectionImageFilter<ImageT, MaskT, ImageT>;
  auto n4 = N4::New();
  n4->SetInput(shrink_image->GetOutput());
  n4->SetMaskImage(shrink_mask->GetOutput());
  n4->SetMaskLabel(1);
  typename N4::VariableSizeArrayType iters(static_cast<unsigned>(iterations.size()));
  for (size_t i = 0; i < iterations.size(); ++i) iters[i] = static_cast<unsigned>(iterations[i]);
  n4->SetMaximumNumberOfIterations(iters);
  n4->SetNumberOfFittingLevels(static_cast<unsigned>(iterations.size()));
  n4->SetConvergenceThreshold(threshold);
  typename N4::ArrayType cps;
  cps.Fill(static_cast<unsigned>(control_points));
  n4->SetNumberOfControlPoints(cps);
  n4->SetNumberOfWorkUnits(1);  // deterministic and polite on shared machines
  n4->Update();

  using BSpliner = itk::BSplineControlPointImageFilter<typename N4::BiasFieldControlPointLatticeType,
                                                       typename N4::ScalarImageType>;
  auto bspliner = BSpliner::New();
  bspliner->SetInput(n4->GetLogBiasFieldControlPointLattice());
  bspliner->SetSplineOrder(n4->GetSplineOrder());
  bspliner->SetSize(image->GetLargestPossibleRegion().GetSize());
  bspliner->SetOrigin(image->GetOrigin());
  bspliner->SetDirection(image->GetDirection());
  bspliner->SetSpacing(image->GetSpacing());
  bspliner->Update();
  const auto* field = bspliner->GetOutput()->GetBufferPointer();  // Vector<float, 1>
  at::Tensor log_field = torch::empty(x.sizes(), torch::kFloat);
  float* out = log_field.data_ptr<float>();
  for (int64_t i = 0; i < x.numel(); ++i) out[i] = field[i][0];
  return x / torch::exp(log_field);
}

}  // namespace

void N4BiasFieldCorrection::apply(Sample& sample, Rng& /*rng*/) const {
  const int dims = static_cast<int>(sample.image.data.dim()) - 1;
  if (dims != 2 && dims != 3)
    throw DataError(name(), "works on 2-D and 3-D images, got " + std::to_string(dims) + "-D");
  const c10::Device device = sample.image.data.device();
  at::Tensor x = sample.image.data.cpu().to(torch::kFloat).contiguous();
  at::Tensor fg;
  if (sample.mask && sample.mask->defined()) fg = intensity_ops::foreground(sample, name()).cpu();
  std::vector<at::Tensor> out;
  for (int64_t c = 0; c < x.size(0); ++c) {
    if (dims == 2)
      out.push_back(n4_channel<2>(x[c], fg, sample.image.geometry, shrink_factor_, iterations_,
                                  convergence_threshold_, control_points_));
    else
      out.push_back(n4_channel<3>(x[c], fg, sample.image.geometry, shrink_factor_, iterations_,
                                  convergence_threshold_, control_points_));
  }
  intensity_ops::set_float(sample, torch::stack(out).to(device));
}

MEDCNN_REGISTER_TRANSFORM(N4BiasFieldCorrection)

}  // namespace medcnn
