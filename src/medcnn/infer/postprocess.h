// Post-processing of label maps (MONAI's names): connected components on a
// grid with face connectivity (4 neighbours in 2-D, 6 in 3-D), in place on
// an int64 label map [spatial...] (1-3 axes).
//
//  - KeepLargestConnectedComponent {applied_labels: [..] (default: every
//    label > 0)}: for each listed label keeps only its largest component
//    (ties: the first in C order); the other voxels of that label become 0.
//  - RemoveSmallObjects {min_size: voxels (required, >= 1), applied_labels}:
//    components smaller than min_size become 0.
//  - FillHoles {applied_labels}: background (0) components that do not touch
//    the border and touch only one listed label become that label.
//  - MRFSmooth {weight, iterations, contrast_sigma}: Potts-model MRF (or,
//    with contrast_sigma, a contrast-sensitive grid CRF) smoothing of the
//    class probabilities before the argmax (infer/mrf_smooth.h); it runs
//    on the probabilities with the preprocessed image, before every label
//    step, whatever its place in the list.
// make_postprocess(list, where) builds a chain from config tables
// [{"name": ..., ...}]; unknown names or keys are a ConfigError naming
// where[i]. Label maps of other types are a DataError.
// connected_components(mask) labels the true voxels of a boolean map 1..n
// (0 elsewhere), in C order of their first voxel; returns n.
#pragma once
#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace medcnn {

int64_t connected_components(const at::Tensor& mask, at::Tensor& labels);

using PostprocessStep = std::function<void(at::Tensor& labels)>;

// A step on the class probabilities [K, spatial...] with the image [C, spatial...].
using ProbabilityStep = std::function<at::Tensor(const at::Tensor& probs, const at::Tensor& image)>;

struct Postprocess {
  std::vector<std::string> names;
  std::vector<PostprocessStep> steps;
  std::vector<ProbabilityStep> probability_steps;
  void apply(at::Tensor& labels) const {
    for (const auto& s : steps) s(labels);
  }
  at::Tensor smooth(at::Tensor probs, const at::Tensor& image) const {
    for (const auto& s : probability_steps) probs = s(probs, image);
    return probs;
  }
  bool empty() const { return steps.empty() && probability_steps.empty(); }
};

Postprocess make_postprocess(const nlohmann::json& list, const std::string& where = "postprocess");

}  // namespace medcnn
