#include "medcnn/nn/blocks/classifier_head.h"

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

ClassifierHead::ClassifierHead(int64_t dims, int64_t channels, int64_t num_classes,
                               const HeadOptions& o)
    : options_(o) {
  check_spatial_dims(dims, "ClassifierHead");
  const std::string& pool = o.pool();
  if (pool != "avg" && pool != "max" && pool != "avgmax" && pool != "none")
    throw ConfigError("ClassifierHead",
                      "unknown pool '" + pool + "' (known: avg, max, avgmax, none)");
  if (o.pool_size() < 1) throw ConfigError("ClassifierHead", "pool_size must be at least 1");
  if (num_classes < 1) throw ConfigError("ClassifierHead", "num_classes must be at least 1");
  if (pool == "none") {
    in_features_ = o.flat_features() > 0 ? o.flat_features() : channels;
  } else {
    int64_t cells = 1;
    for (int64_t i = 0; i < dims; ++i) cells *= o.pool_size();
    in_features_ = channels * cells * (pool == "avgmax" ? 2 : 1);
  }
  dropout_ = register_any(*this, "dropout", dropout_nd(o.dropout()));
  act_ = register_any(*this, "act", make_activation(o.act()));
  int64_t in = in_features_;
  for (size_t i = 0; i < o.hidden().size(); ++i) {
    const std::string k = std::to_string(i + 1);
    hidden_.push_back(register_any(*this, "fc" + k,
                                   torch::nn::AnyModule(torch::nn::Linear(in, o.hidden()[i]))));
    hidden_drop_.push_back(register_any(*this, "drop" + k, dropout_nd(o.hidden_dropout())));
    in = o.hidden()[i];
  }
  fc_ = register_module("fc", torch::nn::Linear(in, num_classes));
}

at::Tensor ClassifierHead::forward(at::Tensor x) {
  const std::string& pool = options_.pool();
  const int64_t s = options_.pool_size();
  at::Tensor f;
  if (pool == "none") {
    f = x.flatten(1);
  } else if (pool == "avg") {
    f = adaptive_avg_pool(x, s).flatten(1);
  } else if (pool == "max") {
    f = adaptive_max_pool(x, s).flatten(1);
  } else {
    f = torch::cat({adaptive_avg_pool(x, s), adaptive_max_pool(x, s)}, 1).flatten(1);
  }
  f = dropout_.forward(f);
  for (size_t i = 0; i < hidden_.size(); ++i)
    f = hidden_drop_[i].forward(act_.forward(hidden_[i].forward(f)));
  return fc_->forward(f);
}

}  // namespace medcnn
