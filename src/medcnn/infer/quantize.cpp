#include "medcnn/infer/quantize.h"

#include <ATen/Context.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/quantization/finalize.h>
#include <torch/csrc/jit/passes/quantization/insert_observers.h>
#include <torch/csrc/jit/passes/quantization/insert_quant_dequant.h>
#include <torch/csrc/jit/ir/subgraph_matcher.h>
#include <torch/csrc/jit/passes/subgraph_rewrite.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "medcnn/core/cpu_flags.h"
#include "medcnn/core/error.h"

namespace medcnn {

namespace {

// TorchScript compiled from C++ has no `torch.int32` value: `.to(3)` is the
// same cast (3 = ScalarType::Int).

// Activations: running min/max over every calibration batch; quint8 affine
// over 0..quant_max (int8_activation_max()).
const char* kActivationObserver = R"JIT(
def forward(self, x: Tensor) -> Tensor:
    v = x.detach().float()
    lo = torch.min(v)
    hi = torch.max(v)
    if self.seen:
        self.min_val = torch.minimum(self.min_val, lo)
        self.max_val = torch.maximum(self.max_val, hi)
    else:
        self.min_val = lo
        self.max_val = hi
        self.seen = True
    return x

def calculate_qparams(self) -> Tuple[Tensor, Tensor]:
    lo = torch.clamp(self.min_val, max=0.0)
    hi = torch.clamp(self.max_val, min=0.0)
    scale = torch.clamp((hi - lo) / float(self.quant_max), min=1.1920928955078125e-07)
    zero_point = torch.clamp(torch.round(-lo / scale), 0, self.quant_max).to(3)
    return scale.reshape([1]), zero_point.reshape([1])
)JIT";

// Weights: min/max per output channel (axis 0); qint8 symmetric, zero point
// 0, scale = max(|min|, |max|) / 127.5 as torch's default per-channel weight
// observer.
const char* kWeightObserver = R"JIT(
def forward(self, x: Tensor) -> Tensor:
    v = x.detach().float().flatten(1)
    self.min_val = torch.amin(v, 1)
    self.max_val = torch.amax(v, 1)
    return x

def calculate_qparams(self) -> Tuple[Tensor, Tensor]:
    m = torch.maximum(torch.clamp(self.max_val, min=0.0), -torch.clamp(self.min_val, max=0.0))
    scale = torch.clamp(m / 127.5, min=1.1920928955078125e-07)
    return scale, torch.zeros_like(scale).to(3)
)JIT";

torch::jit::Module make_observer(const std::string& name, const char* source, at::ScalarType dtype,
                                 at::QScheme qscheme) {
  torch::jit::Module m(c10::QualifiedName("__torch__.medcnn.quant." + name));
  m.register_attribute("training", c10::BoolType::get(), false);
  m.register_attribute("dtype", c10::IntType::get(), static_cast<int64_t>(dtype));
  m.register_attribute("qscheme", c10::IntType::get(), static_cast<int64_t>(qscheme));
  m.register_attribute("ch_axis", c10::IntType::get(), int64_t{0});
  m.register_attribute("seen", c10::BoolType::get(), false);
  m.register_attribute("quant_max", c10::IntType::get(), int64_t{int8_activation_max()});
  m.register_buffer("min_val", torch::zeros({}));
  m.register_buffer("max_val", torch::zeros({}));
  m.define(source);
  return m;
}

// Frozen graphs hold weights as constants; the observer pass observes only
// weights read from module attributes. Lift the tensor constants that feed
// a convolution or linear layer's weight or bias back to attributes of `m`.
void lift_weights(torch::jit::Module& m) {
  static const std::set<std::string> kLayers = {"aten::conv1d", "aten::conv2d", "aten::conv3d",
                                                "aten::linear"};
  auto graph = m.get_method("forward").graph();
  torch::jit::Value* self = graph->inputs().at(0);
  int lifted = 0;
  std::vector<torch::jit::Node*> constants;
  for (torch::jit::Node* node : graph->nodes()) {
    if (node->kind() != c10::prim::Constant || !node->output()->type()->cast<c10::TensorType>())
      continue;
    bool feeds = false;
    for (const torch::jit::Use& use : node->output()->uses())
      feeds = feeds || (kLayers.count(use.user->kind().toQualString()) && use.offset >= 1 &&
                        use.offset <= 2);
    if (feeds) constants.push_back(node);
  }
  for (torch::jit::Node* node : constants) {
    const std::string name = "lifted_weight_" + std::to_string(lifted++);
    m.register_attribute(name, c10::TensorType::get(), node->t(c10::attr::value));
    torch::jit::WithInsertPoint guard(node);
    torch::jit::Value* get = graph->insertGetAttr(self, name);
    node->output()->replaceAllUsesWith(get);
    node->destroy();
  }
}

// Whether the CPU has int8 dot-product instructions (VNNI). Without them
// x86 int8 kernels multiply u8 x s8 pairs into saturating 16-bit sums
// (vpmaddubsw), which overflow for large activations: PyTorch's advice is
// 7-bit activations ("reduce_range") there.
bool cpu_has_vnni() {
#if defined(__x86_64__) || defined(__i386__)
  return cpu_has_flag("avx512_vnni") || cpu_has_flag("avx_vnni");
#else
  return true;  // not x86: no u8 x s8 16-bit saturation to avoid
#endif
}

// The first engine of oneDNN, x86, FBGEMM, QNNPACK this libtorch supports.
std::optional<at::QEngine> pick_engine() {
  const auto& engines = at::globalContext().supportedQEngines();
  for (at::QEngine e : {at::QEngine::ONEDNN, at::QEngine::X86, at::QEngine::FBGEMM,
                        at::QEngine::QNNPACK})
    if (std::find(engines.begin(), engines.end(), e) != engines.end()) return e;
  return std::nullopt;
}

// The observer pass fuses a convolution with its ReLU only for convolution
// MODULES; a traced graph calls aten::conv2d, so the quantized graph keeps
// quantized::conv2d -> aten::relu. Fuse them: relu on a quantized tensor is
// max(q, zero_point), and requantisation maps accumulators <= 0 to values
// <= zero_point, so quantized::conv2d_relu with the same output scale and
// zero point gives the same integers in one pass.
void fuse_conv_relu(torch::jit::Module& m) {
  auto graph = m.get_method("forward").graph();
  for (const char* relu : {"aten::relu", "aten::relu_"})
    for (const char* conv : {"conv1d", "conv2d", "conv3d"}) {
      const std::string pattern = std::string(R"(
graph(%a, %w, %s, %z):
  %r = quantized::)") + conv + R"((%a, %w, %s, %z)
  %o = )" + relu + R"((%r)
  return (%o))";
      const std::string fused = std::string(R"(
graph(%a, %w, %s, %z):
  %o = quantized::)") + conv + R"(_relu(%a, %w, %s, %z)
  return (%o))";
      torch::jit::SubgraphRewriter rewriter;
      rewriter.RegisterRewritePattern(pattern, fused);
      rewriter.runOnGraph(graph, [](const torch::jit::Match& match,
                                    const std::unordered_map<std::string, torch::jit::Value*>& vmap) {
        return match.values_map.at(vmap.at("r"))->uses().size() == 1;
      });
    }
}

// torch has no quantized 3-D max pooling: run it on the dequantized tensor
// and quantize the result on the input's own grid (max pooling only picks
// values, so this is exact). Only where the input is the output of a
// quantized kernel.
void float_max_pool3d(torch::jit::Module& m) {
  auto graph = m.get_method("forward").graph();
  torch::jit::SubgraphRewriter rewriter;
  rewriter.RegisterRewritePattern(R"(
graph(%x, %k, %s, %p, %d, %c):
  %o = aten::max_pool3d(%x, %k, %s, %p, %d, %c)
  return (%o))",
                                  R"(
graph(%x, %k, %s, %p, %d, %c):
  %f = aten::dequantize(%x)
  %m = aten::max_pool3d(%f, %k, %s, %p, %d, %c)
  %scale = aten::q_scale(%x)
  %zero = aten::q_zero_point(%x)
  %dtype = prim::dtype(%x)
  %o = aten::quantize_per_tensor(%m, %scale, %zero, %dtype)
  return (%o))");
  rewriter.runOnGraph(graph, [](const torch::jit::Match& match,
                                const std::unordered_map<std::string, torch::jit::Value*>& vmap) {
    const std::string producer =
        match.values_map.at(vmap.at("x"))->node()->kind().toQualString();
    return producer.rfind("quantized::", 0) == 0 || producer == "aten::quantize_per_tensor";
  });
}

// The ops an int8 graph may hold: those the zoo's int8 tests run
// (tests/infer/test_optimize_zoo.cpp, Int8Zoo). libtorch 1.13's
// quantized::batch_norm (DenseNet's batch norm before each convolution)
// corrupted the heap there ("free(): invalid next size"), so a graph with an
// op outside this list is not run at all: quantize_int8 throws, and
// optimize_for_inference keeps the model in float.
void check_ops(torch::jit::Module& m) {
  static const std::set<std::string> kAllowed = {
      "prim::Constant", "prim::GetAttr", "prim::ListConstruct", "prim::TupleConstruct",
      "prim::dtype", "aten::quantize_per_tensor", "aten::dequantize", "aten::q_scale",
      "aten::q_zero_point", "quantized::conv1d", "quantized::conv2d", "quantized::conv3d",
      "quantized::conv1d_relu", "quantized::conv2d_relu", "quantized::conv3d_relu",
      "quantized::add", "quantized::add_relu", "aten::relu", "aten::relu_",
      "aten::max_pool1d", "aten::max_pool2d", "aten::max_pool3d", "aten::adaptive_avg_pool1d",
      "aten::adaptive_avg_pool2d", "aten::adaptive_avg_pool3d", "aten::flatten", "aten::view",
      "aten::reshape", "aten::size", "aten::linear", "aten::addmm", "aten::matmul", "aten::add",
      "aten::t", "quantized::cat", "aten::avg_pool2d", "aten::tanh", "aten::leaky_relu",
      "aten::narrow", "aten::mean", "aten::div"};
  std::set<std::string> others;
  for (const torch::jit::Node* node : m.get_method("forward").graph()->nodes())
    if (!kAllowed.count(node->kind().toQualString())) others.insert(node->kind().toQualString());
  if (!others.empty()) {
    std::string list;
    for (const auto& k : others) list += (list.empty() ? "" : ", ") + k;
    throw std::runtime_error("the quantized graph holds ops outside the tested set (" + list + ")");
  }
}

}  // namespace

int int8_activation_max() {
  static const bool vnni = cpu_has_vnni();
  return vnni ? 255 : 127;
}

std::string int8_engine() {
  const auto e = pick_engine();
  if (!e) return "";
  std::string n = c10::toString(*e);
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n;
}

torch::jit::Module quantize_int8(const torch::jit::Module& traced,
                                 const std::vector<at::Tensor>& calibration) {
  if (calibration.empty())
    throw ConfigError("int8 quantization", "no calibration batch given");
  for (const auto& b : calibration)
    if (!b.defined() || !b.device().is_cpu() || !b.is_floating_point())
      throw ConfigError("int8 quantization",
                        "calibration batches must be defined float tensors on the CPU "
                        "(quantized kernels run on the CPU only)");
  const auto engine = pick_engine();
  if (!engine) throw ConfigError("int8 quantization", "this libtorch has no quantized engine");
  at::globalContext().setQEngine(*engine);

  torch::NoGradGuard no_grad;
  torch::jit::Module m = torch::jit::freeze(traced);
  lift_weights(m);

  torch::jit::QConfigDict qconfig;
  qconfig[""] = torch::jit::QConfig{
      make_observer("ActivationObserver", kActivationObserver, at::kQUInt8,
                    at::kPerTensorAffine),
      make_observer("WeightObserver", kWeightObserver, at::kQInt8, at::kPerChannelSymmetric)};
  torch::jit::Module observed = torch::jit::InsertObservers(m, "forward", qconfig,
                                                            /*inplace=*/false,
                                                            torch::jit::QuantType::STATIC);
  for (const auto& b : calibration) observed.forward({b});
  torch::jit::Module q = torch::jit::InsertQuantDeQuant(observed, "forward", /*inplace=*/false,
                                                        /*debug=*/false,
                                                        torch::jit::QuantType::STATIC);
  torch::jit::Module out = torch::jit::Finalize(q, torch::jit::QuantType::STATIC, {});
  fuse_conv_relu(out);
  float_max_pool3d(out);
  check_ops(out);
  return out;
}

}  // namespace medcnn
