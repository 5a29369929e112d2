#include "medcnn/nn/chain_network.h"

namespace medcnn {

ChainNetwork::ChainNetwork(const NetworkSpec& spec)
    : HeadedNetwork(spec), features_(register_module("features", std::make_shared<Chain>())) {}

at::Tensor ChainNetwork::features(at::Tensor x) {
  check_input(x);
  return features_->forward_each(
      x, [this](const std::string& name, at::Tensor y) { return tapped("features." + name, y); });
}

std::vector<std::string> ChainNetwork::layer_names() const {
  std::vector<std::string> names;
  for (const auto& n : features_->names()) names.push_back("features." + n);
  names.push_back("features");
  return names;
}

}  // namespace medcnn
