#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

bool Compose::is_spatial() const {
  for (const auto& t : transforms_)
    if (t->is_spatial()) return true;
  return false;
}

bool Compose::is_random() const {
  for (const auto& t : transforms_)
    if (t->is_random()) return true;
  return false;
}

void Compose::apply(Sample& sample, Rng& rng) const {
  for (const auto& t : transforms_) t->apply(sample, rng);
}

std::pair<Compose, Compose> Compose::split_at_first_random() const {
  auto it = std::find_if(transforms_.begin(), transforms_.end(),
                         [](const TransformPtr& t) { return t->is_random(); });
  return {Compose({transforms_.begin(), it}), Compose({it, transforms_.end()})};
}

TransformRegistry& TransformRegistry::instance() {
  static TransformRegistry registry;
  return registry;
}

void TransformRegistry::add(const std::string& name, Factory factory) {
  factories_[name] = std::move(factory);
}

TransformPtr TransformRegistry::create(const std::string& name, const Params& params) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::ostringstream known;
    for (const auto& [n, f] : factories_) known << (known.tellp() ? ", " : "") << n;
    throw ConfigError("transform " + name, "unknown transform (known: " + known.str() + ")");
  }
  return it->second(params);
}

std::vector<std::string> TransformRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, f] : factories_) out.push_back(n);
  return out;
}

Compose make_transforms(const Params& list) {
  if (list.is_null()) return Compose({});
  if (!list.is_array()) throw ConfigError("transforms", "expected a list of {name = ...} tables");
  std::vector<TransformPtr> out;
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string())
      throw ConfigError("transforms", "each transform needs a string 'name'");
    out.push_back(TransformRegistry::instance().create(item["name"].get<std::string>(), item));
  }
  return Compose(std::move(out));
}

namespace {
std::string where(const std::string& t, const std::string& k) { return t + "." + k; }
}  // namespace

double param_double(const Params& p, const std::string& t, const std::string& k, double def) {
  if (p.is_null() || !p.contains(k)) return def;
  if (!p[k].is_number()) throw ConfigError(where(t, k), "expected a number");
  return p[k].get<double>();
}

double param_prob(const Params& p, const std::string& t, double def) {
  const double prob = param_double(p, t, "prob", def);
  if (!(prob >= 0.0 && prob <= 1.0))
    throw ConfigError(where(t, "prob"), "must be in [0, 1], got " + std::to_string(prob));
  return prob;
}

int64_t param_int(const Params& p, const std::string& t, const std::string& k, int64_t def) {
  if (p.is_null() || !p.contains(k)) return def;
  if (!p[k].is_number_integer()) throw ConfigError(where(t, k), "expected an integer");
  return p[k].get<int64_t>();
}

bool param_bool(const Params& p, const std::string& t, const std::string& k, bool def) {
  if (p.is_null() || !p.contains(k)) return def;
  if (!p[k].is_boolean()) throw ConfigError(where(t, k), "expected true or false");
  return p[k].get<bool>();
}

std::string param_string(const Params& p, const std::string& t, const std::string& k,
                         const std::string& def) {
  if (p.is_null() || !p.contains(k)) return def;
  if (!p[k].is_string()) throw ConfigError(where(t, k), "expected a string");
  return p[k].get<std::string>();
}

std::vector<int64_t> param_ints(const Params& p, const std::string& t, const std::string& k,
                                std::vector<int64_t> def) {
  if (p.is_null() || !p.contains(k)) return def;
  if (p[k].is_number_integer()) return {p[k].get<int64_t>()};
  if (!p[k].is_array()) throw ConfigError(where(t, k), "expected an integer or a list of integers");
  std::vector<int64_t> out;
  for (const auto& v : p[k]) {
    if (!v.is_number_integer()) throw ConfigError(where(t, k), "expected a list of integers");
    out.push_back(v.get<int64_t>());
  }
  return out;
}

}  // namespace medcnn
