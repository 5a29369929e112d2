#include "medcnn/losses/loss.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {

LossRegistry& LossRegistry::instance() {
  static LossRegistry registry;
  return registry;
}

void LossRegistry::add(const std::string& name, LossFactory factory) {
  entries_.emplace_back(name, std::move(factory));
}

std::vector<std::string> LossRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.first);
  std::sort(out.begin(), out.end());
  return out;
}

LossPtr LossRegistry::make(const nlohmann::json& spec, const LossContext& context) const {
  std::string name = spec.is_string() ? spec.get<std::string>() : spec.value("name", "");
  nlohmann::json params = spec.is_object() ? spec : nlohmann::json::object();
  params.erase("name");
  for (const auto& e : entries_)
    if (e.first == name) return e.second(params, context);
  std::string known;
  for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("loss.name", "unknown loss '" + name + "' (known: " + known + ")");
}

LossPtr make_loss(const nlohmann::json& spec, const LossContext& context) {
  return LossRegistry::instance().make(spec, context);
}

at::Tensor class_weights_from_json(const nlohmann::json& value, const LossContext& context,
                                   const std::string& where) {
  if (value.is_null() || (value.is_string() && value.get<std::string>() == "none")) return {};
  const int64_t k = context.num_classes;
  if (value.is_string() && value.get<std::string>() == "balanced") {
    if ((int64_t)context.class_counts.size() != k)
      throw ConfigError(where, "\"balanced\" class weights need the training class counts");
    int64_t n = 0;
    for (auto c : context.class_counts) n += c;
    std::vector<float> w(k);
    for (int64_t c = 0; c < k; ++c) {
      if (context.class_counts[c] <= 0)
        throw ConfigError(where, "class " + std::to_string(c) + " has no training case");
      w[c] = static_cast<float>(double(n) / (double(k) * context.class_counts[c]));
    }
    return torch::tensor(w);
  }
  if (value.is_array()) {
    if ((int64_t)value.size() != k)
      throw ConfigError(where, "expected " + std::to_string(k) + " class weights, got " +
                                   std::to_string(value.size()));
    std::vector<float> w;
    for (const auto& v : value) {
      if (!v.is_number() || v.get<double>() < 0)
        throw ConfigError(where, "class weights must be non-negative numbers");
      w.push_back(v.get<float>());
    }
    return torch::tensor(w);
  }
  throw ConfigError(where, "expected \"balanced\", \"none\" or a list of numbers");
}

}  // namespace medcnn
