// The registry's classification networks at small widths, for tests that
// must hold for every network (optimize_for_inference, explanations).
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace medcnn::test {

struct ZooCase {
  std::string name;
  nlohmann::json params;
  int64_t in_channels, dims;
  std::vector<int64_t> sizes;  // two spatial extents the network accepts
};

inline std::vector<ZooCase> zoo() {
  using J = nlohmann::json;
  return {
      {"lenet5", J::object(), 1, 2, {28, 32}},
      {"alexnet", {{"width", 0.125}, {"fc_width", 32}}, 3, 2, {64, 80}},
      {"zfnet", {{"width", 0.125}, {"fc_width", 32}, {"lrn", true}}, 3, 2, {64, 80}},
      {"vgg11", {{"width", 8}, {"fc_width", 32}, {"batch_norm", true}}, 1, 2, {32, 48}},
      {"googlenet", {{"width", 0.125}}, 3, 2, {32, 45}},
      {"resnet18", {{"width", 8}}, 3, 2, {32, 45}},
      {"resnet18", {{"width", 8}}, 1, 3, {16, 20}},
      {"resnet34", {{"width", 8}, {"stem", "small"}}, 1, 2, {28, 31}},
      {"resnet50", {{"width", 4}, {"dropout", 0.2}}, 2, 2, {32, 45}},
      {"densenet121", {{"growth_rate", 4}, {"init_features", 8}, {"bn_size", 2}}, 1, 2, {32, 45}},
      {"xception", {{"width", 0.0625}, {"middle_blocks", 1}}, 3, 2, {32, 45}},
      {"lung_cnn_2x2", {{"k", 1}}, 1, 2, {32, 17}},
      {"pdcovidnet", {{"width", 4}}, 1, 2, {32, 45}},
      {"cvr_net", {{"width", 4}}, 1, 2, {32, 45}},
      {"two_path", {{"width", 4}}, 2, 2, {32, 45}},
      {"ecg_cnn_1d", {{"width", 8}}, 12, 1, {500, 1000}},
  };
}

}  // namespace medcnn::test
