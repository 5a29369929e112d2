// Explainer: where a network looked. Class activation maps, Grad-CAM,
// Grad-CAM++ and occlusion sensitivity, for 1-, 2- and 3-D inputs, for
// classification and segmentation networks; registered by name.
//
// Contract
//  - explain(net, x, target): x is one preprocessed input [1, C, spatial...]
//    on the network's device. The network is put in eval mode. Returns an
//    Explanation whose map [spatial...] float32 (CPU) lies on x's grid.
//  - The explained score S (target):
//      classification (output [1, K]): the logit of class c;
//      segmentation (output [1, K, spatial...]): the mean logit of class c
//      over target.region (bool [spatial...]; undefined: the voxels the
//      network labels c, or every voxel when it labels none).
//      detection (output [1, K + 2d, grid...], tasks/detection.h): the
//      centre-heatmap logit of class c at the box's cell: target.region
//      holds that one cell (on the output grid) and target.sigmoid is set.
//    c = target.class_index, or the predicted class when it is -1 (for
//    segmentation: the non-background class with the largest predicted area,
//    class 1 when none is predicted). Occlusion scores probabilities
//    (softmax over classes; with target.sigmoid each channel's own sigmoid)
//    instead of logits.
//  - Methods (make_explainer(name, options); explainer_names()):
//      "gradcam"   (Selvaraju et al. 2017) at options.layer (any of
//                  net.layer_names(); default "features"): A = the layer's
//                  output, g = dS/dA, w_k = mean over space of g_k,
//                  map = ReLU(sum_k w_k A_k);
//      "gradcam++" (Chattopadhay et al. 2018, the closed form for an
//                  exponential score as pytorch-grad-cam computes it):
//                  a = g^2 / (2 g^2 + sum_space(A) g^3) (0 where g = 0),
//                  w_k = sum over space of a ReLU(g), map = ReLU(sum_k w_k A_k);
//      "layercam"  (Jiang et al. 2021) at options.layer: w = ReLU(g) per
//                  location, map = ReLU(sum_k w_k A_k) (sharp at shallow
//                  layers and for one-cell detection scores);
//      "cam"       (Zhou et al. 2016) at "features" for networks whose head
//                  starts with global average pooling: w_k = dS/d(pooled_k)
//                  (= the classifier's weights for class c when the head is
//                  pooling + one linear layer), map = sum_k w_k A_k (no
//                  ReLU); ConfigError when the gradient is not uniform over
//                  space (another head): use gradcam;
//      "occlusion" (Zeiler and Fergus 2014): every window of options.patch
//                  voxels per axis, at options.stride steps (the last window
//                  flush with the end), is set to options.baseline (NaN: the
//                  image mean); map = the mean, over the windows covering a
//                  voxel, of p(x) - p(occluded x), the drop of class c's
//                  probability (may be negative). options.batch occluded
//                  inputs run at once.
//    The Grad-CAM family's map is upsampled from the layer's grid to x's
//    grid ((bi/tri)linear, align_corners false), then min-max scaled to
//    [0, 1] (all zeros when constant). Occlusion's map is not rescaled.
//  - Errors: ConfigError for an unknown method (lists the valid ones), an
//    unknown layer (lists the network's layers), a class index out of range,
//    or options out of range; DataError for an input that is not one case.
#pragma once
#include <ATen/core/Tensor.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "medcnn/nn/network.h"

namespace medcnn {

struct ExplainTarget {
  int64_t class_index = -1;
  at::Tensor region;  // segmentation and detection: bool [spatial...] of the output grid
  bool sigmoid = false;  // detection: probabilities are per-channel sigmoids
};

struct ExplainOptions {
  std::string layer = "features";
  int64_t patch = 8;
  int64_t stride = 4;
  double baseline = std::nan("");
  int64_t batch = 16;
};

struct Explanation {
  at::Tensor map;           // [spatial...] float32, CPU, on the input grid
  int64_t class_index = 0;  // the class explained
  double probability = 0;   // its probability for the input (mean over the region)
  std::string method, layer;
};

class Explainer {
 public:
  explicit Explainer(ExplainOptions options) : options_(std::move(options)) {}
  virtual ~Explainer() = default;
  virtual std::string name() const = 0;
  virtual Explanation explain(Network& net, const at::Tensor& x,
                              const ExplainTarget& target = {}) const = 0;

 protected:
  ExplainOptions options_;
};
using ExplainerPtr = std::shared_ptr<Explainer>;

ExplainerPtr make_explainer(const std::string& name, const ExplainOptions& options = {});
// A fold ensemble's explanation: the mean of its members' maps (class and
// probability of the last member; the members agree on the class when it
// is given).
Explanation explain_ensemble(const Explainer& explainer, const std::vector<NetworkPtr>& models,
                             const at::Tensor& x, const ExplainTarget& target = {});
std::vector<std::string> explainer_names();

// --- shared by the methods ---------------------------------------------------

// The target resolved against the network's output for x (class, region).
struct ResolvedTarget {
  int64_t class_index = 0;
  at::Tensor region;  // segmentation: bool [1, spatial...]; undefined otherwise
  double probability = 0;
  bool sigmoid = false;
};
ResolvedTarget resolve_target(Network& net, const at::Tensor& x, const ExplainTarget& target);
// S for a batch of outputs: [B] (logits, or probabilities when `probability`:
// softmax over classes, or the sigmoid when t.sigmoid).
at::Tensor target_score(const at::Tensor& output, const ResolvedTarget& t, bool probability);
// The activation A of `layer` for x and dS/dA (autograd).
void layer_gradients(Network& net, const at::Tensor& x, const std::string& layer,
                     const ResolvedTarget& t, at::Tensor* activation, at::Tensor* gradient);
// sum_k w_k A_k [B, spatial...] (w [B, K] or element-wise [B, K, spatial...]) upsampled to `size`, optionally ReLU'd, min-max scaled.
at::Tensor weighted_map(const at::Tensor& activation, const at::Tensor& weights,
                        const std::vector<int64_t>& size, bool relu);

#define MEDCNN_REGISTER_EXPLAINER(name, Class) \
  static const bool medcnn_explainer_registered_##Class = \
      ::medcnn::register_explainer(name, [](const ::medcnn::ExplainOptions& o) { \
        return std::make_shared<Class>(o); \
      })
bool register_explainer(const std::string& name,
                        std::function<ExplainerPtr(const ExplainOptions&)> factory);

}  // namespace medcnn
