// Pyramid-of-scales localizers in `medcnn predict` and `medcnn evaluate`
// (docs/localization.md, "Pyramid of scales"): a window classifier trained
// by `task = "localization"` with `[localization] method = "pyramid"`.
//
// run_pyramid_localization(models, meta, data, device): each case through
// the model's preprocessing (the whole image), then the window search of
// infer/pyramid_search.h with the models as the scorer (a fold ensemble's
// softmax outputs averaged), window size and PyramidOptions from
// meta["localization"]; the best window scaled back to the input image's own
// grid (rescale_boxes). Each LocalizedCase's box: label = the most probable
// object class, score = 1 - p(background) of the best window; probabilities =
// the object classes given an object. FormatError when meta is not a pyramid
// localizer's.
// Sampling (uncertainty): with sampling.tta_flips the search also runs on the
// image flipped along each spatial axis, each best window flipped back; the
// case's box and probabilities are fuse_localizations of those views (its
// uncertainty: class entropy, mutual information, variance and box_sd). A
// fold ensemble is one scorer (its members' softmax averaged), not one sample
// per member. Monte-Carlo passes are not defined for the search: ConfigError.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/data/dataset.h"
#include "medcnn/localization_run.h"
#include "medcnn/nn/network.h"

namespace medcnn::cli {

std::vector<LocalizedCase> run_pyramid_localization(const std::vector<NetworkPtr>& models,
                                                    const nlohmann::json& meta,
                                                    const DatasetPtr& data,
                                                    const std::string& device,
                                                    const BoxSampling& sampling = {});

}  // namespace medcnn::cli
