#include "medcnn/nn/chain_network.h"

namespace medcnn {

ChainNetwork::ChainNetwork(const NetworkSpec& spec)
    : HeadedNetwork(spec), features_(register_module("features", std::make_shared<Chain>())) {}

at::Tensor ChainNetwork::features(at::Tensor x) {
  check_input(x);
  return features_->forward(x);
}

}  // namespace medcnn
