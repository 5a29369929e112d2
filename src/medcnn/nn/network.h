// Network: the base class of every medcnn network, and the registry by name.
//
// Contract
//  - A network is built from a NetworkSpec: `in_channels`, `num_classes`,
//    `spatial_dims` (1, 2 or 3; a family that supports only some of them
//    throws ConfigError naming the network and the dims it supports) and
//    family-specific `params` (JSON, e.g. {"width": 32, "dropout": 0.2}).
//    Unknown params keys are a ConfigError.
//  - forward(x) takes [B, in_channels, spatial...] float and returns
//    classification logits [B, num_classes] (a segmentation network returns
//    [B, num_classes, spatial...] on the input grid). It works for any input
//    size the design allows; a too-small input is a DataError naming the
//    network and the minimum size (min_input_size(); features() checks it,
//    with the rank and the channel count, through check_input()).
//  - forward_deep(x): the outputs for deep supervision, [0] == forward(x)
//    and, for networks configured with it (U-Net's deep_supervision), the
//    auxiliary lower-resolution outputs after it, coarser last (only in
//    training mode; eval mode gives forward(x) alone).
//  - features(x) returns the last convolutional feature map [B, C, spatial...]
//    and head(f) maps it to the logits, so forward(x) == head(features(x));
//    CAM and Grad-CAM use this split. Networks without such a map (the 1-D
//    ECG net has one: its last conv) still implement both.
//  - Named layers (explain/: Grad-CAM at any layer): layer_names() lists the
//    layers whose outputs forward_tapped(x, layer, tap) can intercept, input
//    side first, always ending with "features" (the map features() returns).
//    forward_tapped returns forward(x) computed with tap(output) in place of
//    that layer's output; an unknown layer is a ConfigError that lists the
//    valid names. A network names its layers by calling tapped(name, x) on
//    each intermediate output in features(); ChainNetwork names every child
//    of its feature chain ("features.<child>"). Not re-entrant: one tapped
//    forward at a time per network.
//  - Parameters and buffers are registered with stable names so checkpoints,
//    freezing by layer name and transfer learning can address them
//    (e.g. "stem.conv.weight", "layer3.1.bn2.running_mean", "head.fc.weight").
//    The classifier's parameters live under the prefix given by
//    head_prefix() (default "head"), so a new head can replace them.
//  - Weights are initialised by the spec's `init` ("kaiming" default,
//    "xavier", "gaussian") with biases zero, from torch's global generator:
//    seed it (torch::manual_seed) for reproducible weights.
#pragma once
#include <torch/nn/module.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace medcnn {

struct NetworkSpec {
  std::string name;
  int64_t in_channels = 1;
  int64_t num_classes = 2;
  int64_t spatial_dims = 2;
  std::string init = "kaiming";
  nlohmann::json params = nlohmann::json::object();
};

// Receives a layer's output and returns the tensor the network goes on with.
using LayerTap = std::function<at::Tensor(const at::Tensor&)>;

class Network : public torch::nn::Module {
 public:
  explicit Network(const NetworkSpec& spec) : spec_(spec) {}
  virtual at::Tensor forward(at::Tensor x) { return head(features(x)); }
  virtual std::vector<at::Tensor> forward_deep(at::Tensor x) { return {forward(x)}; }
  virtual at::Tensor features(at::Tensor x) = 0;
  virtual at::Tensor head(at::Tensor features) = 0;
  virtual std::string head_prefix() const { return "head"; }
  // Replaces the classifier by a freshly initialised one with num_classes
  // outputs (transfer learning: "new head").
  virtual void reset_head(int64_t num_classes) = 0;
  const NetworkSpec& spec() const { return spec_; }
  virtual std::vector<std::string> layer_names() const { return {"features"}; }
  at::Tensor forward_tapped(at::Tensor x, const std::string& layer, const LayerTap& tap);
  // Smallest spatial extent (per axis) an input may have.
  int64_t min_input_size() const { return min_input_size_; }

 protected:
  // DataError "network NAME: ..." unless x is [B, in_channels, spatial...]
  // with spatial_dims axes, each at least min_input_size().
  void check_input(const at::Tensor& x) const;
  // ConfigError unless spec_.spatial_dims is one of `supported`.
  void require_dims(const std::vector<int64_t>& supported) const;
  // Installs `head` as the child "head" (replacing any previous one): on the
  // device and dtype of the other parameters, initialised by spec_.init when
  // replacing; sets spec_.num_classes. For reset_head().
  void install_head(std::shared_ptr<torch::nn::Module> head, int64_t num_classes);
  // x, or the active tap's result when `name` is the layer being tapped.
  at::Tensor tapped(const std::string& name, at::Tensor x) const {
    return tap_ && name == tap_layer_ ? (*tap_)(x) : x;
  }

  NetworkSpec spec_;
  int64_t min_input_size_ = 1;

 private:
  const LayerTap* tap_ = nullptr;
  std::string tap_layer_;
};

using NetworkPtr = std::shared_ptr<Network>;
using NetworkFactory = std::function<NetworkPtr(const NetworkSpec&)>;

class NetworkRegistry {
 public:
  static NetworkRegistry& instance();
  void add(const std::string& name, NetworkFactory factory);
  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;
  NetworkPtr make(const NetworkSpec& spec) const;  // ConfigError on unknown name

 private:
  std::vector<std::pair<std::string, NetworkFactory>> entries_;
};

// Builds a network by spec.name, then applies spec.init.
NetworkPtr make_network(const NetworkSpec& spec);
// spec from JSON {"name": ..., "in_channels": ..., "num_classes": ...,
// "spatial_dims": ..., "init": ..., any other key -> params}.
NetworkSpec network_spec_from_json(const nlohmann::json& j);
nlohmann::json network_spec_to_json(const NetworkSpec& spec);

#define MEDCNN_REGISTER_NETWORK(name, Class)                                          \
  static const bool medcnn_network_registered_##Class = [] {                         \
    ::medcnn::NetworkRegistry::instance().add(                                        \
        name, [](const ::medcnn::NetworkSpec& s) { return std::make_shared<Class>(s); }); \
    return true;                                                                      \
  }()

}  // namespace medcnn
