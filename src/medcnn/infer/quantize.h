// quantize_int8: post-training static int8 quantization of a traced network.
//
// The step behind InferenceOptions::int8_calibration (optimize.h); it is the
// PyTorch graph-mode flow (torch.ao.quantization.quantize_jit) driven from C++
// with observers written here, so nothing in it needs Python:
//  1. the traced module is frozen (weights become constants, convolution +
//     batch norm folded, dropout removed);
//  2. the constant weights and biases of every convolution and linear layer
//     are lifted back to module attributes, so the passes can observe them;
//  3. observers are inserted (torch::jit::InsertObservers): activations are
//     observed per tensor (min/max over all calibration batches, quint8
//     affine over 0..int8_activation_max()), weights per output channel (min/max, qint8
//     symmetric, zero point 0);
//  4. the calibration batches run through the observed module;
//  5. quantize/dequantize nodes are inserted and fused into quantized
//     kernels (quantized::conv2d_relu, quantized::add_relu, quantized::linear,
//     ...), the weights prepacked and the module frozen again
//     (InsertQuantDeQuant + Finalize).
// The result takes and returns float tensors: the input is quantized with
// the scale observed on the calibration data, the output dequantized. Ops
// without an int8 kernel run in float between a dequantize and a quantize.
//
// Engine: quantized kernels exist on the CPU only. The first supported of
// oneDNN (x86, uses VNNI int8 dot products where the CPU has them), x86 /
// FBGEMM and QNNPACK is made torch's global quantized engine.
//
// Accuracy: int8 changes the outputs (unlike freezing, which matches eager to
// 1e-6); how much depends on the network and on how well the calibration
// batches cover the inputs it will see. Calibrate on cases of the training
// distribution (a few hundred are plenty), and check the task metric: the
// tests compare AUC and agreement with float on real data
// (tests/infer/test_quantize.cpp).
//
// Errors: no calibration batch, a non-CPU module or no quantized engine is a
// ConfigError; a network the passes cannot handle throws their error
// (optimize_for_inference catches it and falls back to float).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace medcnn {

// Quantizes `traced` (a traced, not yet frozen module whose forward takes one
// float tensor) with the calibration batches; returns the frozen int8 module.
torch::jit::Module quantize_int8(const torch::jit::Module& traced,
                                 const std::vector<at::Tensor>& calibration);

// The largest quantized activation value: 255 on CPUs with int8 dot-product
// instructions (VNNI) and off x86; 127 on x86 CPUs without them, whose
// kernels sum u8 x s8 pairs in saturating 16 bits (PyTorch's
// "reduce_range"), so full-range activations could overflow there.
int int8_activation_max();

// The quantized engine quantize_int8 uses ("onednn", "x86", "fbgemm",
// "qnnpack"), or "" when this libtorch has none.
std::string int8_engine();

}  // namespace medcnn
