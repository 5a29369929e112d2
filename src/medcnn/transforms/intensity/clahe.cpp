#include "medcnn/transforms/intensity/clahe.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

CLAHE::CLAHE(const Params& p) {
  check_keys(p, name(), {"clip_limit", "tile_grid_size", "bits"});
  clip_limit_ = param_double(p, name(), "clip_limit", 2.0);
  if (!(clip_limit_ > 0)) throw ConfigError(name() + ".clip_limit", "must be > 0");
  auto tiles = param_ints(p, name(), "tile_grid_size", {8, 8});
  if (tiles.size() == 1) tiles.push_back(tiles[0]);
  if (tiles.size() != 2 || tiles[0] < 1 || tiles[1] < 1)
    throw ConfigError(name() + ".tile_grid_size", "expected a number or [rows, cols] >= 1");
  tiles_rows_ = tiles[0];
  tiles_cols_ = tiles[1];
  bits_ = param_int(p, name(), "bits", 8);
  if (bits_ != 8 && bits_ != 16) throw ConfigError(name() + ".bits", "must be 8 or 16");
}

void CLAHE::apply(Sample& sample, Rng& /*rng*/) const {
  const Image& img = sample.image;
  const int dims = static_cast<int>(img.data.dim()) - 1;
  if (dims != 2 && dims != 3)
    throw DataError(name(), "works on 2-D images and 3-D volumes, got " + std::to_string(dims) + "-D");
  const c10::Device device = img.data.device();
  const bool native8 = img.pixel_type == PixelType::UInt8;
  const bool native16 = img.pixel_type == PixelType::UInt16;
  const bool native = native8 || native16;
  const bool use16 = native16 || (!native && bits_ == 16);
  const double top = use16 ? 65535.0 : 255.0;

  // [C, Z, H, W] working copy in the OpenCV pixel type.
  at::Tensor x = img.data.cpu();
  if (dims == 2) x = x.unsqueeze(1);
  std::vector<bool> constant(x.size(0), false);
  at::Tensor q;
  if (native) {
    q = x.to(use16 ? torch::kInt : torch::kByte).contiguous();
  } else {
    at::Tensor xd = x.to(torch::kDouble);
    q = torch::empty_like(xd);
    for (int64_t c = 0; c < x.size(0); ++c) {
      const double lo = xd[c].min().item<double>(), hi = xd[c].max().item<double>();
      constant[c] = hi == lo;
      q[c].copy_(hi == lo ? torch::zeros_like(xd[c]) : ((xd[c] - lo) / (hi - lo) * top).round());
    }
    q = q.to(use16 ? torch::kInt : torch::kByte).contiguous();
  }
  const int rows = static_cast<int>(q.size(2)), cols = static_cast<int>(q.size(3));
  auto clahe = cv::createCLAHE(clip_limit_, cv::Size(static_cast<int>(tiles_cols_),
                                                     static_cast<int>(tiles_rows_)));
  at::Tensor out = torch::empty_like(q);
  for (int64_t c = 0; c < q.size(0); ++c) {
    for (int64_t z = 0; z < q.size(1); ++z) {
      at::Tensor slice = q[c][z].contiguous();
      cv::Mat src, dst;
      if (use16) {
        cv::Mat(rows, cols, CV_32S, slice.data_ptr()).convertTo(src, CV_16U);
        clahe->apply(src, dst);
        cv::Mat dst32;
        dst.convertTo(dst32, CV_32S);
        out[c][z].copy_(torch::from_blob(dst32.data, {rows, cols}, torch::kInt));
      } else {
        cv::Mat(rows, cols, CV_8U, slice.data_ptr()).copyTo(src);
        clahe->apply(src, dst);
        out[c][z].copy_(torch::from_blob(dst.data, {rows, cols}, torch::kByte));
      }
    }
  }
  if (native) {
    for (int64_t c = 0; c < out.size(0); ++c)
      if (q[c].min().item<int64_t>() == q[c].max().item<int64_t>()) out[c].copy_(q[c]);
    if (dims == 2) out = out.squeeze(1);
    sample.image = img.with_data(out.to(storage_dtype(img.pixel_type)).to(device).contiguous(),
                                 img.pixel_type);
    return;
  }
  at::Tensor f = out.to(torch::kFloat) / static_cast<float>(top);
  for (int64_t c = 0; c < f.size(0); ++c)
    if (constant[c]) f[c].zero_();
  if (dims == 2) f = f.squeeze(1);
  intensity_ops::set_float(sample, f.to(device));
}

MEDCNN_REGISTER_TRANSFORM(CLAHE)

}  // namespace medcnn
