#include "medcnn/nn/network.h"

#include "medcnn/core/error.h"
#include "medcnn/nn/init.h"

#include <sstream>

namespace medcnn {
namespace {

std::string shape_string(const at::Tensor& x) {
  std::ostringstream os;
  os << "[";
  for (int64_t i = 0; i < x.dim(); ++i) os << (i ? ", " : "") << x.size(i);
  os << "]";
  return os.str();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : ", ") + e;
  return s;
}

int64_t json_int(const nlohmann::json& j, const std::string& key, int64_t def) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  if (!it->is_number_integer())
    throw ConfigError("network." + key, "expected an integer, got " + it->dump());
  return it->get<int64_t>();
}

}  // namespace

// --- Network helpers ---------------------------------------------------------

void Network::check_input(const at::Tensor& x) const {
  const std::string where = "network " + spec_.name;
  const char* axes[] = {"", "[B, C, L]", "[B, C, H, W]", "[B, C, D, H, W]"};
  const int64_t d = spec_.spatial_dims;
  if (!x.defined()) throw DataError(where, "undefined input tensor");
  if (x.dim() != d + 2)
    throw DataError(where, "expected a " + std::to_string(d + 2) + "-D input " +
                               axes[d >= 1 && d <= 3 ? d : 0] + ", got " + shape_string(x));
  if (x.size(1) != spec_.in_channels)
    throw DataError(where, "expected " + std::to_string(spec_.in_channels) +
                               " input channels, got input " + shape_string(x));
  for (int64_t i = 2; i < x.dim(); ++i)
    if (x.size(i) < min_input_size_)
      throw DataError(where, "input " + shape_string(x) + " is too small: each spatial axis "
                             "must be at least " + std::to_string(min_input_size_));
}

at::Tensor Network::forward_tapped(at::Tensor x, const std::string& layer, const LayerTap& tap) {
  const std::vector<std::string> names = layer_names();
  if (std::find(names.begin(), names.end(), layer) == names.end())
    throw ConfigError("layer", "network " + spec_.name + " has no layer '" + layer +
                                   "'; valid layers: " + join(names));
  if (layer == "features") return head(tap(features(x)));
  struct Reset {
    Network* n;
    ~Reset() { n->tap_ = nullptr; }
  } reset{this};
  tap_ = &tap;
  tap_layer_ = layer;
  at::Tensor f = features(x);
  tap_ = nullptr;
  return head(f);
}

void Network::require_dims(const std::vector<int64_t>& supported) const {
  if (std::find(supported.begin(), supported.end(), spec_.spatial_dims) != supported.end()) return;
  std::string list;
  for (auto d : supported) list += (list.empty() ? "" : ", ") + std::to_string(d);
  throw ConfigError("network." + spec_.name + ".spatial_dims",
                    "spatial_dims " + std::to_string(spec_.spatial_dims) +
                        " is not supported (supported: " + list + ")");
}

void Network::install_head(std::shared_ptr<torch::nn::Module> head, int64_t num_classes) {
  if (num_classes < 1)
    throw ConfigError("network." + spec_.name + ".num_classes",
                      "must be at least 1, got " + std::to_string(num_classes));
  if (named_children().find(head_prefix()) == nullptr) {
    register_module(head_prefix(), head);
  } else {
    std::optional<at::Device> device;
    std::optional<at::ScalarType> dtype;
    for (const auto& p : named_parameters()) {
      if (p.key().rfind(head_prefix() + ".", 0) == 0) continue;
      device = p.value().device();
      dtype = p.value().scalar_type();
      break;
    }
    apply_init(*head, spec_.init);
    if (device) head->to(*device, *dtype);
    head->train(is_training());
    replace_module(head_prefix(), head);
  }
  spec_.num_classes = num_classes;
}

// --- registry ------------------------------------------------------------------

NetworkRegistry& NetworkRegistry::instance() {
  static NetworkRegistry registry;
  return registry;
}

void NetworkRegistry::add(const std::string& name, NetworkFactory factory) {
  for (auto& e : entries_)
    if (e.first == name) {
      e.second = std::move(factory);
      return;
    }
  entries_.emplace_back(name, std::move(factory));
}

bool NetworkRegistry::contains(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.first == name) return true;
  return false;
}

std::vector<std::string> NetworkRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.first);
  std::sort(out.begin(), out.end());
  return out;
}

NetworkPtr NetworkRegistry::make(const NetworkSpec& spec) const {
  for (const auto& e : entries_)
    if (e.first == spec.name) return e.second(spec);
  throw ConfigError("network.name", "unknown network '" + spec.name + "' (known: " +
                                        join(names()) + ")");
}

NetworkPtr make_network(const NetworkSpec& spec) {
  const std::string where = "network." + spec.name;
  if (spec.in_channels < 1)
    throw ConfigError(where + ".in_channels",
                      "must be at least 1, got " + std::to_string(spec.in_channels));
  if (spec.num_classes < 1)
    throw ConfigError(where + ".num_classes",
                      "must be at least 1, got " + std::to_string(spec.num_classes));
  if (spec.spatial_dims < 1 || spec.spatial_dims > 3)
    throw ConfigError(where + ".spatial_dims",
                      "must be 1, 2 or 3, got " + std::to_string(spec.spatial_dims));
  const auto known = init_names();
  if (std::find(known.begin(), known.end(), spec.init) == known.end())
    throw ConfigError(where + ".init",
                      "unknown initialiser '" + spec.init + "' (known: " + join(known) + ")");
  NetworkPtr net = NetworkRegistry::instance().make(spec);
  apply_init(*net, spec.init);
  return net;
}

NetworkSpec network_spec_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw ConfigError("network", "expected a table, got " + j.dump());
  NetworkSpec spec;
  auto name = j.find("name");
  if (name == j.end()) throw ConfigError("network.name", "missing (the network to build)");
  if (!name->is_string()) throw ConfigError("network.name", "expected a string, got " + name->dump());
  spec.name = name->get<std::string>();
  spec.in_channels = json_int(j, "in_channels", spec.in_channels);
  spec.num_classes = json_int(j, "num_classes", spec.num_classes);
  spec.spatial_dims = json_int(j, "spatial_dims", spec.spatial_dims);
  if (auto it = j.find("init"); it != j.end()) {
    if (!it->is_string()) throw ConfigError("network.init", "expected a string, got " + it->dump());
    spec.init = it->get<std::string>();
  }
  spec.params = nlohmann::json::object();
  for (const auto& [key, value] : j.items()) {
    if (key == "name" || key == "in_channels" || key == "num_classes" || key == "spatial_dims" ||
        key == "init")
      continue;
    if (key == "params") {
      if (!value.is_object())
        throw ConfigError("network.params", "expected a table, got " + value.dump());
      for (const auto& [k, v] : value.items()) spec.params[k] = v;
      continue;
    }
    spec.params[key] = value;
  }
  return spec;
}

nlohmann::json network_spec_to_json(const NetworkSpec& spec) {
  nlohmann::json j = nlohmann::json::object();
  if (spec.params.is_object())
    for (const auto& [k, v] : spec.params.items()) j[k] = v;
  j["name"] = spec.name;
  j["in_channels"] = spec.in_channels;
  j["num_classes"] = spec.num_classes;
  j["spatial_dims"] = spec.spatial_dims;
  j["init"] = spec.init;
  return j;
}

}  // namespace medcnn
