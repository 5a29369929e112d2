// Building a registry network in one call for tests, and counting its
// parameters (the number the tests work out by hand).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "medcnn/nn/network.h"

namespace medcnn::test {

inline NetworkPtr build_network(const std::string& name, nlohmann::json params, int64_t dims,
                                int64_t in_channels, int64_t num_classes) {
  NetworkSpec s;
  s.name = name;
  s.in_channels = in_channels;
  s.num_classes = num_classes;
  s.spatial_dims = dims;
  s.params = std::move(params);
  return make_network(s);
}

inline int64_t parameter_count(const NetworkPtr& net) {
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  return n;
}

}  // namespace medcnn::test
