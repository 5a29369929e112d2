#include "medcnn/nn/net_params.h"

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

NetParams::NetParams(const NetworkSpec& spec, const std::vector<std::string>& allowed)
    : params_(spec.params), name_(spec.name) {
  check_keys(params_, "network." + name_, allowed);
}

std::string NetParams::where(const std::string& key) const {
  return "network." + name_ + "." + key;
}

const nlohmann::json* NetParams::find(const std::string& key) const {
  if (!params_.is_object()) return nullptr;
  auto it = params_.find(key);
  return it == params_.end() ? nullptr : &*it;
}

int64_t NetParams::get_int(const std::string& key, int64_t def, int64_t min, int64_t max) const {
  const auto* v = find(key);
  if (!v) return def;
  if (!v->is_number_integer()) throw ConfigError(where(key), "expected an integer, got " + v->dump());
  const int64_t x = v->get<int64_t>();
  if (x < min || x > max)
    throw ConfigError(where(key), "must be in [" + std::to_string(min) + ", " +
                                      (max == std::numeric_limits<int64_t>::max()
                                           ? std::string("inf")
                                           : std::to_string(max)) +
                                      "], got " + std::to_string(x));
  return x;
}

double NetParams::get_double(const std::string& key, double def, double min, double max) const {
  const auto* v = find(key);
  if (!v) return def;
  if (!v->is_number()) throw ConfigError(where(key), "expected a number, got " + v->dump());
  const double x = v->get<double>();
  if (!(x >= min && x <= max))
    throw ConfigError(where(key), "must be in [" + std::to_string(min) + ", " +
                                      std::to_string(max) + "], got " + v->dump());
  return x;
}

double NetParams::get_prob(const std::string& key, double def) const {
  const double p = get_double(key, def, 0.0, 1.0);
  if (p >= 1.0) throw ConfigError(where(key), "a dropout probability must be below 1");
  return p;
}

bool NetParams::get_bool(const std::string& key, bool def) const {
  const auto* v = find(key);
  if (!v) return def;
  if (!v->is_boolean()) throw ConfigError(where(key), "expected true or false, got " + v->dump());
  return v->get<bool>();
}

std::string NetParams::get_string(const std::string& key, const std::string& def,
                                  const std::vector<std::string>& choices) const {
  const auto* v = find(key);
  if (!v) return def;
  if (!v->is_string()) throw ConfigError(where(key), "expected a string, got " + v->dump());
  std::string s = v->get<std::string>();
  if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    throw ConfigError(where(key), "unknown value '" + s + "' (known: " + list + ")");
  }
  return s;
}

std::vector<int64_t> NetParams::get_ints(const std::string& key, const std::vector<int64_t>& def,
                                         int64_t min) const {
  const auto* v = find(key);
  if (!v) return def;
  if (!v->is_array() || v->empty())
    throw ConfigError(where(key), "expected a non-empty list of integers, got " + v->dump());
  std::vector<int64_t> out;
  for (const auto& e : *v) {
    if (!e.is_number_integer() || e.get<int64_t>() < min)
      throw ConfigError(where(key), "expected integers >= " + std::to_string(min) + ", got " +
                                        v->dump());
    out.push_back(e.get<int64_t>());
  }
  return out;
}

}  // namespace medcnn
