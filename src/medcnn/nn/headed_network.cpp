#include "medcnn/nn/headed_network.h"

namespace medcnn {

at::Tensor HeadedNetwork::head(at::Tensor f) { return head_->forward(f); }

void HeadedNetwork::reset_head(int64_t num_classes) {
  head_ = make_head(num_classes);
  install_head(head_, num_classes);
}

void HeadedNetwork::build_head(int64_t channels, const HeadOptions& options) {
  head_channels_ = channels;
  head_options_ = options;
  reset_head(spec_.num_classes);
}

std::shared_ptr<ClassifierHead> HeadedNetwork::make_head(int64_t num_classes) const {
  return std::make_shared<ClassifierHead>(spec_.spatial_dims, head_channels_, num_classes,
                                          head_options_);
}

}  // namespace medcnn
