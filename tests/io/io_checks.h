// Helpers for the io tests: the checksums the Python oracles also compute
// (tests/oracles/io_checksum.py), and error-message checks.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

namespace medcnn::test {

// sum over the C-order flattened tensor of t[i] * ((i * 7919) % 10007), float64.
inline double weighted_checksum(const at::Tensor& t) {
  at::Tensor flat = t.contiguous().reshape({-1}).to(torch::kDouble);
  at::Tensor w = torch::arange(flat.numel(), torch::kLong).mul(7919).remainder(10007).to(torch::kDouble);
  return flat.dot(w).item<double>();
}

inline double plain_sum(const at::Tensor& t) { return t.to(torch::kDouble).sum().item<double>(); }

// Runs f, expects it to throw E, and that what() names `name`.
template <typename E, typename F>
void expect_error_naming(F&& f, const std::string& name, const std::string& also = "") {
  try {
    f();
    ADD_FAILURE() << "expected an exception naming " << name;
  } catch (const E& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(name), std::string::npos) << "message does not name '" << name << "': " << what;
    if (!also.empty())
      EXPECT_NE(what.find(also), std::string::npos) << "message lacks '" << also << "': " << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type for " << name << ": " << e.what();
  }
}

}  // namespace medcnn::test
