// optimize_for_inference: a frozen, optimised TorchScript copy of a C++ network.
//
// medcnn networks are C++ frontend modules (torch::nn::Module), which cannot be
// scripted. optimize_for_inference TRACES one instead: it puts the network in
// eval mode, registers its parameters and buffers (the same tensors, under
// names with '.' replaced by '_') on a torch::jit::Module, records `forward`
// on an input with torch::jit::tracer::trace with that module as `self` (so
// the weights are module attributes, not baked constants), makes the graph the
// jit module's "forward" method, then applies torch::jit::freeze (weights
// become constants, conv+batch-norm folded) and torch::jit::optimize_for_inference
// (oneDNN/MKLDNN convolutions on CPU, fused add/relu, ...). For ResNet-18 on
// this project's 2-core CPU that makes batch-1 inference 2.8x (28x28) and
// 1.4x (224x224) faster than eager (docs/benchmarks.md).
//
// Inputs
//  - net: the network; it is switched to eval mode and must stay in eval mode
//    (and alive) while the model is used.
//  - forward: maps an input batch to the output (usually
//    [net](at::Tensor x) { return net->forward(x); }; capture the shared_ptr
//    so the network outlives the model). It may use any torch op. Control
//    flow on tensor VALUES (`if (x.max().item<float>() > 1)`) is recorded for
//    the traced input only; two tests catch it and make the model run
//    eagerly: a tensor op whose result never reaches the output (the value
//    that was read; e.g. "aten::mean") fails the trace, and the check below
//    also runs the negated example. A branch that both miss (it reads a value
//    through data_ptr(), or the example and its negation take the same way)
//    is not detected: use enable = false for such a network.
//  - example_input: a float batch [B, C, spatial...] of a shape the network
//    accepts; its values matter only for the check.
//
// Output: an InferenceModel. forward(x) runs without autograd and returns the
// network's output for x (a fresh tensor, not an inference-mode tensor).
//  - Shapes: a trace records the sizes the C++ code reads as plain integers
//    (x.size(0) in a view, a loop over x.size(2), ...), so a graph traced on one
//    shape may be wrong on another. The model therefore keeps one plan per
//    input shape (sizes, dtype, device): the first input of a new shape is run
//    through the module traced on the example and compared with the eager
//    network (options.check); if they agree that module is reused for the
//    shape, otherwise (or when the check is off) the network is traced again
//    on that input. A network with global pooling before its head (the ResNets)
//    reuses one module for every batch size and image size.
//  - Levels: with options.int8_calibration, the traced module is first
//    quantized to int8 ("int8", quantize.h; CPU only) and checked against
//    eager with options.int8_tolerance. Otherwise, or where that fails, the
//    traced module is frozen and optimised ("optimized"); where
//    that fails or disagrees (e.g. oneDNN's adaptive pooling rejects output
//    sizes that do not divide the input, as in AlexNet/VGG heads), the frozen
//    module alone is used ("frozen": conv+bn folded, no oneDNN layouts); where
//    that fails too, the eager network ("eager").
//  - Fallback: when tracing, freezing or running the frozen module throws,
//    or its output differs from the eager output by more than
//    check_tolerance * max(max |eager output|, 1e-3) (max abs difference) on
//    the example or on the negated example, a warning is logged and that
//    shape runs the eager network (eval mode, NoGradGuard); fallback_reason()
//    says why. options.enable = false runs everything eagerly.
//  - Cost: the first input of a new shape runs the network about 6 times
//    (eager reference, trace, warm-up runs, negated probe) plus the freezing
//    passes (ResNet-18 on 2 cores: 0.1-0.5 s, 2.5 s for a batch of 32 at
//    224x224); later inputs of that shape run once.
//  - The optimised modules hold a COPY of the weights made when each shape was
//    first seen: after training the network further, build a new model.
//  - Thread safety: forward may be called from several threads at once
//    (TorchScript modules and an eval-mode network are re-entrant; the plan
//    table is locked, and a new shape is compiled by one thread at a time).
//
// Errors: example_input undefined is a ConfigError; a forward that throws on
// the example input itself (the network rejects it) propagates that error.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace medcnn {

struct InferenceOptions {
  bool enable = true;           // false: always the eager network
  bool channels_last = false;   // 4-D inputs (and the traced weights) in channels-last
  bool check = true;            // compare with eager on the first input of each shape
  double check_tolerance = 1e-3;  // relative to the largest |eager output| (floor 1e-3)
  int warmup_runs = 2;          // runs of a new optimised module (profiling executor)
  // int8: when non-empty, these float batches (on the CPU, of the kind the
  // model will see, already preprocessed) calibrate a post-training static
  // int8 quantization (quantize.h), tried before the float levels. Its check
  // against eager uses int8_tolerance (relative, as check_tolerance), which
  // only catches a broken graph: int8 moves outputs by about 1e-2 of their
  // range, so judge it by the task metric on held-out data.
  std::vector<at::Tensor> int8_calibration;
  double int8_tolerance = 0.15;
};

class InferenceModel {
 public:
  InferenceModel() = default;
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor operator()(const at::Tensor& x) const { return forward(x); }

  // True when the example input's shape runs a TorchScript module (level()
  // "optimized" or "frozen").
  bool optimized() const;
  // How the example input's shape runs: "int8" (quantized, only with
  // int8_calibration), "optimized" (frozen + inference passes), "frozen" (the passes failed: frozen graph, conv+bn folded) or
  // "eager".
  std::string level() const;
  // Whether an input of this shape would run (or runs) an optimised module;
  // compiles the plan for the shape if it has not been seen (needs one input).
  bool optimized_for(const at::Tensor& x) const;
  // Why the example's shape is not at level "optimized" ("" when it is).
  std::string fallback_reason() const;
  // Number of distinct input shapes seen and distinct traces made so far.
  size_t shapes_seen() const;
  size_t traces_made() const;
  // The optimised module's graph for the example shape ("" when eager), for
  // inspection and debugging.
  std::string graph_dump() const;

  struct Impl;

 private:
  friend InferenceModel optimize_for_inference(torch::nn::Module&,
                                               std::function<at::Tensor(at::Tensor)>,
                                               at::Tensor, InferenceOptions);
  std::shared_ptr<Impl> impl_;
};

InferenceModel optimize_for_inference(torch::nn::Module& net,
                                      std::function<at::Tensor(at::Tensor)> forward,
                                      at::Tensor example_input, InferenceOptions options = {});

// Convenience for a module with forward(at::Tensor) -> at::Tensor held by a
// shared_ptr (e.g. medcnn::NetworkPtr): the model keeps the network alive.
template <class Net>
InferenceModel optimize_for_inference(const std::shared_ptr<Net>& net, at::Tensor example_input,
                                      InferenceOptions options = {}) {
  return optimize_for_inference(
      *net, [net](at::Tensor x) { return net->forward(x); }, std::move(example_input), options);
}

}  // namespace medcnn
