// Phantom discs for segmentation tests that train a network briefly: bright
// discs of random centre (8..23) and radius (4..7) on Gaussian noise
// (sigma 0.3), drawn from torch's global generator (seed it first).
//
// phantom_discs(n) -> {images [n, 1, 32, 32] float, masks [n, 32, 32] int64
// in {0, 1}}. foreground_dice(pred, mask): 2|P∩M| / (|P| + |M|) of two
// {0, 1} tensors of one shape. float_phantom(size, min_radius, max_radius,
// seed): medcnn's 2-D phantom (data/phantom.h) with float32 pixels, as a
// network takes them. phantom_batch(n, size, seed): n such phantoms (radii
// size/16..size/7, seeds seed..seed+n-1) normalised as (x - 0.5) / 0.25,
// stacked to [n, 1, size, size].
#pragma once
#include <torch/torch.h>

#include <utility>
#include <vector>

#include "medcnn/data/phantom.h"

namespace medcnn::test {

inline std::pair<at::Tensor, at::Tensor> phantom_discs(int64_t n) {
  auto yy = torch::arange(32).view({1, 32, 1}).to(torch::kFloat);
  auto xx = torch::arange(32).view({1, 1, 32}).to(torch::kFloat);
  auto cy = torch::randint(8, 24, {n, 1, 1}).to(torch::kFloat);
  auto cx = torch::randint(8, 24, {n, 1, 1}).to(torch::kFloat);
  auto r = torch::randint(4, 8, {n, 1, 1}).to(torch::kFloat);
  auto mask = ((yy - cy).pow(2) + (xx - cx).pow(2)).le(r * r).to(torch::kLong);
  auto image = mask.to(torch::kFloat) + 0.3 * torch::randn({n, 32, 32});
  return {image.unsqueeze(1), mask};
}

inline double foreground_dice(const at::Tensor& pred, const at::Tensor& mask) {
  const double inter = (pred * mask).sum().item<double>();
  return 2 * inter / (pred.sum().item<double>() + mask.sum().item<double>());
}

inline Sample float_phantom(int64_t size, double min_radius, double max_radius, uint64_t seed) {
  PhantomOptions o;
  o.size = size;
  o.min_radius = min_radius;
  o.max_radius = max_radius;
  Sample s = generate_phantom(o, seed);
  s.image = s.image.with_data(s.image.data.to(torch::kFloat), PixelType::Float32);
  return s;
}

inline at::Tensor phantom_batch(int64_t n, int64_t size, uint64_t seed) {
  std::vector<at::Tensor> images;
  for (int64_t i = 0; i < n; ++i) {
    const Sample s = float_phantom(size, size / 16.0, size / 7.0, seed + static_cast<uint64_t>(i));
    images.push_back((s.image.data - 0.5) / 0.25);
  }
  return torch::stack(images);
}

}  // namespace medcnn::test
