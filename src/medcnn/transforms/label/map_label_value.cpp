#include "medcnn/transforms/label/map_label_value.h"

#include <torch/torch.h>

#include <set>

#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"

namespace medcnn {
namespace {

std::vector<int64_t> int_list(const Params& p, const std::string& key, const std::string& where) {
  if (!p.contains(key)) throw ConfigError(where + "." + key, "required");
  const auto& v = p.at(key);
  if (!v.is_array()) throw ConfigError(where + "." + key, "expected a list of integers");
  std::vector<int64_t> out;
  for (const auto& e : v) {
    if (!e.is_number_integer()) throw ConfigError(where + "." + key, "expected integers, got " + e.dump());
    out.push_back(e.get<int64_t>());
  }
  return out;
}

}  // namespace

MapLabelValue::MapLabelValue(const Params& p) {
  check_keys(p, name(), {"orig_labels", "target_labels", "strict"});
  from_ = int_list(p, "orig_labels", name());
  to_ = int_list(p, "target_labels", name());
  if (from_.size() != to_.size())
    throw ConfigError(name() + ".target_labels", "must have as many values as orig_labels (" +
                                                     std::to_string(from_.size()) + ")");
  if (std::set<int64_t>(from_.begin(), from_.end()).size() != from_.size())
    throw ConfigError(name() + ".orig_labels", "values must be distinct");
  strict_ = p.value("strict", true);
}

void MapLabelValue::apply(Sample& sample, Rng& /*rng*/) const {
  if (!sample.mask) return;
  at::Tensor m = sample.mask->data.to(torch::kLong);
  at::Tensor out = m.clone();
  at::Tensor known = m.eq(kIgnoreLabel);
  for (size_t i = 0; i < from_.size(); ++i) {
    at::Tensor hit = m.eq(from_[i]);
    out.masked_fill_(hit, to_[i]);
    known.logical_or_(hit);
  }
  if (strict_ && !known.all().item<bool>()) {
    const int64_t bad = m.masked_select(known.logical_not())[0].item<int64_t>();
    throw DataError(sample.id, name() + ": mask value " + std::to_string(bad) +
                                   " is not in orig_labels");
  }
  sample.mask = sample.mask->with_data(out, PixelType::Int64);
}

MEDCNN_REGISTER_TRANSFORM(MapLabelValue)

}  // namespace medcnn
