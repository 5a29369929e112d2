#include "medcnn/infer/optimize.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <tuple>

#include "medcnn/core/error.h"
#include "medcnn/infer/quantize.h"

namespace medcnn {

namespace {

// One way to run inputs of one shape: an optimised module, or the eager net.
struct Plan {
  std::optional<torch::jit::Module> module;  // nullopt: eager
  std::string level = "eager";               // "int8", "optimized", "frozen" or "eager"
  std::string reason;                        // why not the first level tried ("" when it is)
};
using PlanPtr = std::shared_ptr<const Plan>;
using ShapeKey = std::tuple<std::vector<int64_t>, int, int, int>;  // sizes, dtype, device

ShapeKey key_of(const at::Tensor& x) {
  return {x.sizes().vec(), static_cast<int>(x.scalar_type()),
          static_cast<int>(x.device().type()), static_cast<int>(x.device().index())};
}

std::string shape_text(const at::Tensor& x) {
  std::ostringstream s;
  s << x.sizes();
  return s.str();
}

// Attribute names of a jit module: identifiers without '.', unique.
std::string sanitize(const std::string& name, std::set<std::string>& used) {
  std::string s;
  for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "p_" + s;
  std::string out = s;
  for (int i = 1; used.count(out) || out == "training" || out == "forward"; ++i)
    out = s + "_" + std::to_string(i);
  used.insert(out);
  return out;
}

// Tensor ops recorded by the tracer whose results never reach the output (the
// node producing `out` excluded): the usual sign that forward read a tensor's
// VALUE (item(), `if (x.max() > t)`), i.e. control flow that a trace would
// freeze. In-place ops (trailing '_') are not counted: their effect is the
// mutation.
std::string unused_ops(const torch::jit::Graph& graph, const torch::jit::Value* out) {
  std::set<std::string> kinds;
  for (const torch::jit::Node* node : graph.nodes()) {
    if (!node->kind().is_aten() || node->outputs().empty()) continue;
    const std::string kind = node->kind().toQualString();
    if (kind.back() == '_') continue;
    bool used = false;
    for (const torch::jit::Value* v : node->outputs()) used = used || v->hasUses() || v == out;
    if (!used) kinds.insert(kind);
  }
  std::string list;
  for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
  return list;
}

// A torch error message on one line: its backtrace cut, its lines joined,
// at most 600 characters.
std::string one_line(const std::string& message) {
  std::string m = message.substr(0, message.find("Exception raised from"));
  m = m.substr(0, m.find("\nframe #"));
  // "The following operation failed in the TorchScript interpreter.
  // Traceback of TorchScript ...: <code> RuntimeError: <what>": keep <what>.
  if (m.find("Traceback of TorchScript") != std::string::npos) {
    const auto e = m.rfind("Error: ");
    if (e != std::string::npos) m = "TorchScript: " + m.substr(e + 7);
  }
  std::string out;
  for (char c : m) {
    if (c == '\n' || c == '\t') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 600) out = out.substr(0, 597) + "...";
  return out;
}

double max_abs(const at::Tensor& t) {
  return t.numel() ? t.detach().abs().max().item<double>() : 0.0;
}

}  // namespace

struct InferenceModel::Impl {
  torch::nn::Module* net = nullptr;
  std::function<at::Tensor(at::Tensor)> forward;
  InferenceOptions options;

  mutable std::mutex table_mutex;    // guards plans
  mutable std::mutex compile_mutex;  // one compile at a time
  mutable std::map<ShapeKey, PlanPtr> plans;
  PlanPtr primary;  // the plan of the example's shape
  mutable size_t traces = 0;

  at::Tensor prepare(const at::Tensor& x) const {
    if (options.channels_last && x.dim() == 4)
      return x.contiguous(at::MemoryFormat::ChannelsLast);
    return x;
  }

  at::Tensor eager(const at::Tensor& x) const {
    torch::NoGradGuard no_grad;
    return forward(x);
  }

  static at::Tensor run(const Plan& plan, const at::Tensor& x) {
    torch::NoGradGuard no_grad;
    torch::jit::Module m = *plan.module;  // a handle: concurrent runs are fine
    c10::IValue out = m.forward({x});
    if (!out.isTensor()) throw std::runtime_error("the traced module did not return a tensor");
    return out.toTensor();
  }

  double tolerance(const Plan& plan) const {
    return plan.level == "int8" ? options.int8_tolerance : options.check_tolerance;
  }

  // "" when `got` matches `want` within `tolerance`, else the reason.
  std::string compare(const at::Tensor& got, const at::Tensor& want, double tolerance) const {
    if (got.sizes() != want.sizes())
      return "output shape " + shape_text(got) + " differs from eager " + shape_text(want);
    const double scale = std::max(max_abs(want), 1e-3);
    const double diff = max_abs(got.to(want.scalar_type()) - want);
    if (!(diff <= tolerance * scale)) {
      std::ostringstream s;
      s << "output differs from eager by " << diff << " (max |eager| " << scale << ")";
      return s.str();
    }
    return "";
  }

  // Traces forward on x: a jit module whose "forward" runs the recorded
  // graph on the network's own weights (channels-last copies with that
  // option). Throws on failure.
  torch::jit::Module trace(const at::Tensor& x) const {
    torch::NoGradGuard no_grad;
    ++traces;
    torch::jit::Module self(c10::QualifiedName("__torch__.medcnn.TracedNetwork"));
    self.register_attribute("training", c10::BoolType::get(), false);
    std::set<std::string> used;
    std::vector<std::pair<std::string, at::Tensor>> weights;
    for (const auto& p : net->named_parameters(/*recurse=*/true)) {
      if (!p.value().defined()) continue;
      const std::string name = sanitize(p.key(), used);
      self.register_parameter(name, p.value(), /*is_buffer=*/false);
      weights.emplace_back(name, p.value());
    }
    for (const auto& b : net->named_buffers(/*recurse=*/true)) {
      if (!b.value().defined()) continue;
      const std::string name = sanitize(b.key(), used);
      self.register_buffer(name, b.value());
      weights.emplace_back(name, b.value());
    }

    std::string unused;
    auto traced_fn = [this, &unused](torch::jit::Stack in) -> torch::jit::Stack {
      at::Tensor out = forward(in.at(0).toTensor());
      if (const auto& state = torch::jit::tracer::getTracingState())
        unused = unused_ops(*state->graph, out.defined() ? state->getValue(out) : nullptr);
      return {out};
    };
    auto traced = torch::jit::tracer::trace(
        {x}, traced_fn, [](const at::Tensor&) { return std::string(); }, /*strict=*/true,
        /*force_outplace=*/false, &self, {"x"});
    if (!unused.empty())
      throw std::runtime_error("forward computes tensors that do not reach its output (" + unused +
                               "): it probably reads tensor values (item(), if on a tensor), "
                               "which a trace cannot follow");
    auto graph = traced.first->graph;
    auto* fn = self._ivalue()->compilation_unit()->create_function(
        c10::QualifiedName(*self.type()->name(), "forward"), graph);
    self.type()->addMethod(fn);

    if (options.channels_last) {
      // The weights are the network's own tensors: give this (throw-away)
      // module channels-last copies, so freezing folds those in.
      for (const auto& [name, t] : weights)
        if (t.dim() == 4) self.setattr(name, t.contiguous(at::MemoryFormat::ChannelsLast));
    }
    return self;
  }

  // The plan for x's shape: tries `candidate` (a module traced on another
  // shape) first when the check is on, else traces on x. Returns the plan and
  // the output for x computed on the way (undefined if none).
  std::pair<PlanPtr, at::Tensor> compile(const at::Tensor& x, const PlanPtr& candidate) const {
    at::Tensor want;
    if (options.check) want = eager(x);
    if (candidate && candidate->module && options.check) {
      try {
        at::Tensor got = run(*candidate, x);
        if (compare(got, want, tolerance(*candidate)).empty()) return {candidate, got};
      } catch (const std::exception&) {
        // fall through: trace on this shape
      }
    }
    // Traced, then frozen and optimised; if that fails (e.g. an oneDNN op
    // rejects a size), frozen only; if that fails too, eager.
    auto plan = std::make_shared<Plan>();
    std::optional<torch::jit::Module> traced;
    try {
      traced = trace(x);
    } catch (const std::exception& e) {
      plan->reason = "tracing: " + one_line(e.what());
    }
    std::vector<std::string> levels = {"optimized", "frozen"};
    if (!options.int8_calibration.empty()) levels.insert(levels.begin(), "int8");
    for (const std::string& level : levels) {
      if (!traced) break;
      std::string reason;
      at::Tensor got;
      try {
        Plan p;
        p.level = level;
        if (level == "int8") {
          p.module = quantize_int8(*traced, options.int8_calibration);
        } else {
          p.module = torch::jit::freeze(*traced);
          if (level == "optimized") p.module = torch::jit::optimize_for_inference(*p.module);
        }
        for (int i = 0; i < std::max(1, options.warmup_runs); ++i) got = run(p, x);
        if (options.check) reason = compare(got, want, tolerance(p));
        if (options.check && reason.empty() && level != "int8") {
          // A second input with other values (the negated one) catches some
          // control flow on values that the unused-op test cannot see. (Not
          // for int8: a negated input lies outside the calibrated ranges.)
          const at::Tensor probe = x.is_floating_point() ? x.neg() : x;
          const std::string r = compare(run(p, probe), eager(probe), tolerance(p));
          if (!r.empty()) reason = "on the negated input, " + r;
        }
        if (reason.empty()) {
          plan->module = p.module;
          plan->level = level;
          if (level != levels.front())
            spdlog::info("optimize_for_inference: input {} runs at level \"{}\" ({})",
                         shape_text(x), level, plan->reason);
          return {plan, got};
        }
      } catch (const std::exception& e) {
        reason = one_line(e.what());
      }
      plan->reason += std::string(plan->reason.empty() ? "" : "; ") + level + ": " + reason;
    }
    spdlog::warn("optimize_for_inference: input {} runs the eager network ({})", shape_text(x),
                 plan->reason);
    plan->level = "eager";
    return {plan, want};
  }

  std::pair<PlanPtr, at::Tensor> plan_for(const at::Tensor& x) const {
    const ShapeKey key = key_of(x);
    {
      std::lock_guard<std::mutex> lock(table_mutex);
      auto it = plans.find(key);
      if (it != plans.end()) return {it->second, at::Tensor()};
    }
    std::lock_guard<std::mutex> compiling(compile_mutex);
    {
      std::lock_guard<std::mutex> lock(table_mutex);
      auto it = plans.find(key);
      if (it != plans.end()) return {it->second, at::Tensor()};
    }
    PlanPtr candidate = primary;
    if (candidate && candidate->module) {
      // Reuse only across inputs of the same rank, dtype and device.
      const auto& [sizes, dtype, dev, index] = key;
      bool same = false;
      for (const auto& [k, p] : plans)
        if (p == candidate && std::get<0>(k).size() == sizes.size() && std::get<1>(k) == dtype &&
            std::get<2>(k) == dev && std::get<3>(k) == index)
          same = true;
      if (!same) candidate = nullptr;
    }
    auto result = compile(x, candidate);
    std::lock_guard<std::mutex> lock(table_mutex);
    plans.emplace(key, result.first);
    return result;
  }
};

InferenceModel optimize_for_inference(torch::nn::Module& net,
                                      std::function<at::Tensor(at::Tensor)> forward,
                                      at::Tensor example_input, InferenceOptions options) {
  if (!example_input.defined())
    throw ConfigError("optimize_for_inference", "the example input is undefined");
  if (!forward) throw ConfigError("optimize_for_inference", "no forward function given");
  net.eval();
  InferenceModel model;
  auto impl = std::make_shared<InferenceModel::Impl>();
  impl->net = &net;
  impl->forward = std::move(forward);
  impl->options = options;
  const at::Tensor x = impl->prepare(example_input);
  if (!options.enable) {
    auto plan = std::make_shared<Plan>();
    plan->reason = "disabled (InferenceOptions::enable = false)";
    plan->level = "eager";
    impl->primary = plan;
    impl->plans.emplace(key_of(x), plan);
  } else {
    // A network that rejects the example throws here, as eager would (with
    // the check on, compile() runs the eager network first anyway).
    if (!options.check) impl->eager(x);
    impl->primary = impl->plan_for(x).first;
  }
  model.impl_ = impl;
  return model;
}

at::Tensor InferenceModel::forward(const at::Tensor& input) const {
  if (!impl_) throw ConfigError("InferenceModel", "not built (use optimize_for_inference)");
  const at::Tensor x = impl_->prepare(input);
  if (!impl_->options.enable) return impl_->eager(x);
  auto [plan, out] = impl_->plan_for(x);
  if (out.defined()) return out;
  if (plan->module) return Impl::run(*plan, x);
  return impl_->eager(x);
}

bool InferenceModel::optimized() const {
  return impl_ && impl_->primary && impl_->primary->module.has_value();
}

bool InferenceModel::optimized_for(const at::Tensor& input) const {
  if (!impl_ || !impl_->options.enable) return false;
  return impl_->plan_for(impl_->prepare(input)).first->module.has_value();
}

std::string InferenceModel::level() const {
  if (!impl_ || !impl_->primary) return "eager";
  return impl_->primary->level;
}

std::string InferenceModel::fallback_reason() const {
  if (!impl_) return "not built";
  return impl_->primary ? impl_->primary->reason : "";
}

size_t InferenceModel::shapes_seen() const {
  if (!impl_) return 0;
  std::lock_guard<std::mutex> lock(impl_->table_mutex);
  return impl_->plans.size();
}

size_t InferenceModel::traces_made() const {
  if (!impl_) return 0;
  std::lock_guard<std::mutex> lock(impl_->compile_mutex);
  return impl_->traces;
}

std::string InferenceModel::graph_dump() const {
  if (!optimized()) return "";
  auto m = *impl_->primary->module;
  return m.get_method("forward").graph()->toString();
}

}  // namespace medcnn
