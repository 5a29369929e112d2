#include "medcnn/report/overlay.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include <cstdio>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

// Foreground pixels of a 2-D boolean map with a 4-connected background
// neighbour (outside the image counts as background).
at::Tensor outline(const at::Tensor& fg) {
  at::Tensor x = fg.to(torch::kFloat).unsqueeze(0).unsqueeze(0);
  at::Tensor p = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}));
  const int64_t h = fg.size(0), w = fg.size(1);
  using torch::indexing::Slice;
  at::Tensor up = p.index({0, 0, Slice(0, h), Slice(1, w + 1)});
  at::Tensor down = p.index({0, 0, Slice(2, h + 2), Slice(1, w + 1)});
  at::Tensor left = p.index({0, 0, Slice(1, h + 1), Slice(0, w)});
  at::Tensor right = p.index({0, 0, Slice(1, h + 1), Slice(2, w + 2)});
  at::Tensor interior = up.gt(0) & down.gt(0) & left.gt(0) & right.gt(0);
  return fg & interior.logical_not();
}

at::Tensor spatial(const at::Tensor& labels, int64_t dims) {
  return labels.dim() == dims + 1 ? labels[0] : labels;
}

// The first channel min-max scaled to 0..255, float.
at::Tensor grey_255(const at::Tensor& img) {
  const double lo = img.min().item<double>(), hi = img.max().item<double>();
  return hi > lo ? (img - lo) / (hi - lo) * 255.0 : torch::zeros_like(img);
}

Image rgb_image(at::Tensor rgb, int64_t zoom) {
  if (zoom > 1) rgb = rgb.repeat_interleave(zoom, 1).repeat_interleave(zoom, 2);
  return Image(rgb.round().clamp(0, 255).to(torch::kByte).contiguous(), Geometry::identity(2),
               PixelType::UInt8);
}

}  // namespace

Image heatmap_overlay(const Image& image, const at::Tensor& map, int64_t zoom) {
  const int64_t d = image.dims();
  at::Tensor img = image.data[0].to(torch::kFloat);
  at::Tensor m = spatial(map, d).to(torch::kFloat).clamp(0, 1);
  if (!m.sizes().equals(img.sizes()))
    throw DataError("overlay", "the image and the map lie on different grids");
  if (d == 3) {
    const int64_t z = m.amax({1, 2}).argmax().item<int64_t>();
    img = img[z];
    m = m[z];
  } else if (d != 2) {
    throw DataError("overlay", "needs a 2-D image or a 3-D volume");
  }
  // jet: r = clip(1.5 - |4m - 3|), g = clip(1.5 - |4m - 2|), b = clip(1.5 - |4m - 1|)
  auto channel = [&](double c) { return (1.5 - (4 * m - c).abs()).clamp(0, 1) * 255.0; };
  at::Tensor heat = torch::stack({channel(3), channel(2), channel(1)});
  at::Tensor grey = grey_255(img).unsqueeze(0).repeat({3, 1, 1});
  at::Tensor alpha = 0.5 * m.unsqueeze(0);
  return rgb_image(grey * (1 - alpha) + heat * alpha, zoom);
}

Image segmentation_overlay(const Image& image, const at::Tensor& reference,
                           const at::Tensor& prediction, int64_t zoom) {
  const int64_t d = image.dims();
  at::Tensor img = image.data[0].to(torch::kFloat);
  at::Tensor ref = spatial(reference, d).gt(0);
  at::Tensor pred = spatial(prediction, d).gt(0);
  if (!ref.sizes().equals(img.sizes()) || !pred.sizes().equals(img.sizes()))
    throw DataError("overlay", "image, reference and prediction lie on different grids");
  if (d == 3) {
    const int64_t z = ref.any().item<bool>() ? ref.sum({1, 2}).argmax().item<int64_t>()
                                             : img.size(0) / 2;
    img = img[z];
    ref = ref[z];
    pred = pred[z];
  } else if (d != 2) {
    throw DataError("overlay", "needs a 2-D image or a 3-D volume");
  }
  at::Tensor rgb = grey_255(img).unsqueeze(0).repeat({3, 1, 1});
  at::Tensor ro = outline(ref), po = outline(pred);
  // Red channel: prediction; green: reference; both: yellow.
  rgb[0].masked_fill_(po, 255.0);
  rgb[1].masked_fill_(po & ro.logical_not(), 0.0);
  rgb[2].masked_fill_(po, 0.0);
  rgb[1].masked_fill_(ro, 255.0);
  rgb[0].masked_fill_(ro & po.logical_not(), 0.0);
  rgb[2].masked_fill_(ro, 0.0);
  return rgb_image(rgb, zoom);
}

Image box_overlay(const Image& image, const std::vector<Box>& reference,
                  const std::vector<Box>& predicted, const std::vector<std::string>& class_names,
                  int64_t zoom) {
  const int64_t d = image.dims();
  if (d != 2 && d != 3) throw DataError("overlay", "boxes are drawn on 2-D images and volumes");
  at::Tensor img = image.data[0].to(torch::kFloat);
  double z = -1;  // the slice shown (z index of the volume), 3-D only
  if (d == 3) {
    const Box* anchor = !predicted.empty() ? &*std::max_element(predicted.begin(), predicted.end(),
                                                                [](const Box& a, const Box& b) {
                                                                  return a.score < b.score;
                                                                })
                        : !reference.empty() ? &reference[0]
                                             : nullptr;
    z = anchor ? std::floor(anchor->centre()[2]) : double(img.size(0) / 2);
    z = std::clamp(z, 0.0, double(img.size(0) - 1));
    img = img[int64_t(z)];
  }
  cv::Mat rgb;
  if (d == 2 && image.data.size(0) == 3 && image.data.scalar_type() == torch::kByte) {
    at::Tensor hwc = image.data.permute({1, 2, 0}).contiguous();
    rgb = cv::Mat(int(hwc.size(0)), int(hwc.size(1)), CV_8UC3, hwc.data_ptr<uint8_t>()).clone();
  } else {
    at::Tensor grey = grey_255(img).round().clamp(0, 255).to(torch::kByte).contiguous();
    cv::Mat g(int(grey.size(0)), int(grey.size(1)), CV_8UC1, grey.data_ptr<uint8_t>());
    cv::cvtColor(g, rgb, cv::COLOR_GRAY2RGB);
  }
  const int f = int(std::max<int64_t>(1, zoom));
  if (f > 1) cv::resize(rgb, rgb, cv::Size(), f, f, cv::INTER_NEAREST);
  auto draw = [&](const Box& b, const cv::Scalar& colour, bool label) {
    if (d == 3 && (z < b.lo[2] || z >= b.hi[2])) return;
    const cv::Point lo(int(std::lround(b.lo[0] * f)), int(std::lround(b.lo[1] * f)));
    const cv::Point hi(int(std::lround(b.hi[0] * f)) - 1, int(std::lround(b.hi[1] * f)) - 1);
    cv::rectangle(rgb, lo, hi, colour, 1);
    if (!label) return;
    std::string name = b.label >= 0 && b.label < int(class_names.size()) ? class_names[b.label]
                                                                        : b.class_name;
    char score[16];
    std::snprintf(score, sizeof score, " %.2f", double(b.score));
    cv::putText(rgb, name + score, cv::Point(lo.x, std::max(lo.y - 2, 8)),
                cv::FONT_HERSHEY_PLAIN, 0.8, colour, 1);
  };
  for (const Box& b : reference) draw(b, cv::Scalar(0, 200, 0), false);
  for (const Box& b : predicted) draw(b, cv::Scalar(230, 0, 0), true);
  at::Tensor out = torch::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, torch::kByte)
                       .permute({2, 0, 1})
                       .clone();
  return Image(out, Geometry::identity(2), PixelType::UInt8);
}

}  // namespace medcnn
