// HeadedNetwork: a Network whose classifier is a ClassifierHead.
//
// Contract
//  - A subclass builds its feature extractor, then calls
//    build_head(channels, options) once, last, with the channel count of its
//    feature map and its head options; that registers a
//    ClassifierHead(spec.spatial_dims, channels, spec.num_classes, options)
//    under head_prefix() ("head").
//  - head(f) applies it; reset_head(n) replaces it by a fresh one with the
//    same channels and options and n outputs (Network::install_head: device,
//    dtype, init).
//  - Subclasses still implement features().
#pragma once
#include <memory>

#include "medcnn/nn/blocks/classifier_head.h"
#include "medcnn/nn/network.h"

namespace medcnn {

class HeadedNetwork : public Network {
 public:
  using Network::Network;
  at::Tensor head(at::Tensor f) override;
  void reset_head(int64_t num_classes) override;

 protected:
  void build_head(int64_t channels, const HeadOptions& options);

 private:
  std::shared_ptr<ClassifierHead> make_head(int64_t num_classes) const;

  std::shared_ptr<ClassifierHead> head_;
  int64_t head_channels_ = 0;
  HeadOptions head_options_;
};

}  // namespace medcnn
