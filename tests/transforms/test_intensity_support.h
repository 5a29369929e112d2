// Helpers for the intensity transform tests (test_intensity_*.cpp): running
// a transform by name, the numpy/scipy/skimage oracle, and the contract every
// random intensity transform keeps.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <string>

#include "medcnn/core/error.h"
#include "medcnn/transforms/transform.h"
#include "test_support.h"

namespace medcnn::test {

inline Sample intensity_sample(const at::Tensor& data, int dims) {
  Sample s;
  s.id = "t";
  s.image = Image::from_tensor(data, dims);
  return s;
}

// Applies the registered transform `name` with params to a copy of s.
inline Sample apply_transform(const std::string& name, const Params& params, const Sample& s,
                              uint64_t seed = 0) {
  auto t = TransformRegistry::instance().create(name, params);
  Sample out = s;
  Rng rng(seed);
  t->apply(out, rng);
  return out;
}

// Runs tests/oracles/transforms_intensity_extra.py; returns the result as a
// float64 tensor (undefined on failure, after ADD_FAILURE).
inline at::Tensor intensity_oracle(const std::string& op, const nlohmann::json& params,
                                   const at::Tensor& in, const at::Tensor& mask = {}) {
  TempDir tmp;
  at::Tensor flat = in.to(torch::kDouble).contiguous().reshape({-1});
  nlohmann::json spec;
  spec["op"] = op;
  spec["params"] = params;
  spec["shape"] = in.sizes().vec();
  spec["data"] = std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  if (mask.defined()) {
    at::Tensor m = mask.to(torch::kDouble).contiguous().reshape({-1});
    spec["mask"] = std::vector<double>(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
  }
  write_text(tmp.file("in.json"), spec.dump());
  auto out = run_oracle("transforms_intensity_extra.py", {tmp.file("in.json")});
  if (out.is_null()) return {};
  auto data = out["data"].get<std::vector<double>>();
  return torch::tensor(data, torch::kDouble).reshape(out["shape"].get<std::vector<int64_t>>());
}

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

// ConfigError naming transform and key for an unknown parameter.
inline void expect_unknown_key_rejected(const std::string& name, Params params = Params::object()) {
  params["bogus_key"] = 1;
  try {
    TransformRegistry::instance().create(name, params);
    ADD_FAILURE() << name << " accepted an unknown key";
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(name), std::string::npos) << m;
    EXPECT_NE(m.find("bogus_key"), std::string::npos) << m;
  }
}

// The random-transform contract: flags; prob 0 leaves the sample unchanged
// (pixels and dtype); prob 1 changes the image but not mask and boxes; the
// same seed gives the same output, another seed another one.
// seeds_differ: whether two seeds must give different outputs (false where
// the draw is discrete, e.g. a rounded zoom).
inline void expect_random_contract(const std::string& name, Params params, const Sample& s,
                                   bool seeds_differ = true) {
  SCOPED_TRACE(name + " " + params.dump());
  params["prob"] = 0.0;
  auto t0 = TransformRegistry::instance().create(name, params);
  EXPECT_TRUE(t0->is_random());
  EXPECT_FALSE(t0->is_spatial());
  for (uint64_t seed : {1, 2, 3}) {
    Sample z = apply_transform(name, params, s, seed);
    EXPECT_EQ(z.image.data.scalar_type(), s.image.data.scalar_type());
    EXPECT_TRUE(torch::equal(z.image.data, s.image.data));
  }
  params["prob"] = 1.0;
  Sample a = apply_transform(name, params, s, 7);
  Sample b = apply_transform(name, params, s, 7);
  Sample c = apply_transform(name, params, s, 8);
  EXPECT_EQ(a.image.data.sizes(), b.image.data.sizes());
  EXPECT_TRUE(torch::equal(a.image.data, b.image.data)) << "same seed, different output";
  EXPECT_FALSE(a.image.data.sizes() == s.image.data.sizes() &&
               torch::allclose(a.image.data.to(torch::kDouble), s.image.data.to(torch::kDouble)))
      << "prob 1 left the image unchanged";
  if (seeds_differ)
    EXPECT_FALSE(a.image.data.sizes() == c.image.data.sizes() && torch::equal(a.image.data, c.image.data))
      << "different seeds gave the same output";
  if (s.mask) {
    ASSERT_TRUE(a.mask.has_value());
    EXPECT_TRUE(torch::equal(a.mask->data, s.mask->data));
  }
  EXPECT_EQ(a.boxes.size(), s.boxes.size());
  EXPECT_TRUE(a.image.geometry.same_as(s.image.geometry, 1e-12));
}

}  // namespace medcnn::test
