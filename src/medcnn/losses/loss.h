// Loss: a training objective over a network's raw output and the targets,
// and the registry that builds one by name from a config table.
//
// Contract
//  - forward(output, target) returns a scalar (mean over the batch) float32
//    tensor that autograd can differentiate. Classification losses take
//    logits [B, K] (or [B, K, spatial...]) and int64 class indices [B]
//    (or [B, spatial...]); they compute in float32 even under autocast.
//  - make_loss({"name": "cross_entropy", ...}, context) builds a registered
//    loss; context gives the number of classes and the training class
//    counts, so `class_weights = "balanced"` can be resolved (weight of class
//    c = n / (K * n_c), as scikit-learn's compute_class_weight).
//    ConfigError for an unknown name (the known ones listed), an unknown or
//    bad parameter.
#pragma once
#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace medcnn {

struct LossContext {
  int64_t num_classes = 2;
  std::vector<int64_t> class_counts;  // training cases per class (may be empty)
  // Target value that takes no part in the loss (segmentation: kIgnoreLabel,
  // core/labels.h); the mean runs over the other targets only, and a batch
  // without any is a loss of 0 (not NaN). -100 = torch's default, no such value.
  int64_t ignore_label = -100;
};

class Loss {
 public:
  virtual ~Loss() = default;
  virtual at::Tensor forward(const at::Tensor& output, const at::Tensor& target) const = 0;
  virtual std::string name() const = 0;
};

using LossPtr = std::shared_ptr<const Loss>;
using LossFactory = std::function<LossPtr(const nlohmann::json& params, const LossContext&)>;

class LossRegistry {
 public:
  static LossRegistry& instance();
  void add(const std::string& name, LossFactory factory);
  std::vector<std::string> names() const;
  LossPtr make(const nlohmann::json& spec, const LossContext& context) const;

 private:
  std::vector<std::pair<std::string, LossFactory>> entries_;
};

LossPtr make_loss(const nlohmann::json& spec, const LossContext& context);

// Class weights from a config value: "balanced", "none"/null, or a list of
// K numbers. Returns an undefined tensor for no weighting.
at::Tensor class_weights_from_json(const nlohmann::json& value, const LossContext& context,
                                   const std::string& where);

#define MEDCNN_REGISTER_LOSS(name, Class)                                                   \
  static const bool medcnn_loss_registered_##Class = [] {                                  \
    ::medcnn::LossRegistry::instance().add(                                                 \
        name, [](const nlohmann::json& p, const ::medcnn::LossContext& c) {                 \
          return std::make_shared<const Class>(p, c);                                       \
        });                                                                                 \
    return true;                                                                            \
  }()

}  // namespace medcnn
