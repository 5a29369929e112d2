// ChainNetwork: a HeadedNetwork whose feature extractor is one Chain.
//
// Contract
//  - features_ is an empty Chain registered as the child "features" at
//    construction; a subclass appends its layers to it (names
//    "features.0.weight", "features.conv1.weight", ...), sets
//    min_input_size_, then calls build_head(channels, options).
//  - features(x) checks x (Network::check_input: rank, channels, size) and
//    applies the chain.
#pragma once
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/headed_network.h"

namespace medcnn {

class ChainNetwork : public HeadedNetwork {
 public:
  explicit ChainNetwork(const NetworkSpec& spec);
  at::Tensor features(at::Tensor x) override;
  // "features.<child>" for every child of the chain, then "features".
  std::vector<std::string> layer_names() const override;

 protected:
  ChainPtr features_;
};

}  // namespace medcnn
