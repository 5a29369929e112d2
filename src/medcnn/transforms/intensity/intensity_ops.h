// Helpers shared by the intensity transforms: parameter parsing for
// probabilities and ranges, float copies of images, percentiles, torch
// generators seeded from an Rng, and access to the sample's mask.
//
// Contract
//  - Every parser throws ConfigError "<transform>.<key>: reason".
//  - param_range: a number v means [center - v, center + v] (MONAI's "factors",
//    "offsets") or, with `number_is_hi`, [center, v]; a list [lo, hi] with
//    lo <= hi is taken as is.
//  - percentile(): numpy.percentile with the default linear interpolation.
//  - torch_generator(rng): a CPU generator seeded from one draw of rng, so
//    random tensors depend only on rng (and are the same on CPU and CUDA
//    inputs: draw on the CPU, then move).
#pragma once
#include <ATen/core/Generator.h>

#include <string>
#include <utility>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn::intensity_ops {

using ::medcnn::param_prob;  // in transform.h
std::pair<double, double> param_range(const Params& p, const std::string& t, const std::string& key,
                                      std::pair<double, double> def, double center = 0.0,
                                      bool number_is_hi = false);
// A number or a list of numbers (empty when absent or null).
std::vector<double> param_doubles(const Params& p, const std::string& t, const std::string& key,
                                  std::vector<double> def);

// The image as a float32 copy (never aliases the sample's tensor).
at::Tensor float_copy(const Image& image);
// Stores a float32 result into the sample's image.
void set_float(Sample& sample, const at::Tensor& data);

// numpy.percentile(values, q) (linear); values any shape, q in [0, 100].
double percentile(const at::Tensor& values, double q);
std::pair<double, double> percentiles(const at::Tensor& values, double lo_q, double hi_q);

// Boolean foreground [spatial...] of the sample's mask (> 0); DataError if the
// sample has none, GeometryError if its spatial shape differs from the image's.
at::Tensor foreground(const Sample& sample, const std::string& t);

at::Generator torch_generator(Rng& rng);

}  // namespace medcnn::intensity_ops
