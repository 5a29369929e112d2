// CLAHE: contrast-limited adaptive histogram equalisation (OpenCV's
// cv::createCLAHE), per channel.
//
// Parameters
//   clip_limit      OpenCV's clip limit (default 2.0): a tile's histogram is
//                   clipped at clip_limit * tile_pixels / 256 (skimage's
//                   normalised clip_limit c corresponds to 256 c)
//   tile_grid_size  number or [rows, cols] tiles (default [8, 8])
//   bits            8 (default) or 16: quantisation of images that are not
//                   uint8 / uint16
// Works on 2-D images; 3-D volumes are processed slice by slice along z
// (the first spatial tensor axis), each slice independently. OpenCV works on
// uint8 / uint16: a uint8 or uint16 image keeps its pixel type and values stay
// in its range. Any other image is rescaled per channel (min-max over the
// whole channel) to 0..2^bits - 1, equalised, and returned as float32 in
// [0, 1] (value / (2^bits - 1)). A constant channel is left unchanged
// (integer) or becomes 0 (float). Mask and boxes untouched. Runs on the CPU
// (a CUDA tensor is copied there and back).
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class CLAHE : public Transform {
 public:
  explicit CLAHE(const Params& p);
  std::string name() const override { return "CLAHE"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double clip_limit_ = 2.0;
  int64_t tiles_rows_ = 8, tiles_cols_ = 8;
  int64_t bits_ = 8;
};

}  // namespace medcnn
