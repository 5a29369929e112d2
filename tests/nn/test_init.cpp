// Weight initialisers: the spread of each scheme against its formula
// (He-normal fan_out: std sqrt(2 / fan_out); Glorot-uniform: bound
// sqrt(6 / (fan_in + fan_out)); Gaussian: std 0.01; PyTorch's default
// linear init: bound 1 / sqrt(fan_in)), zero biases, unit batch norm,
// reproducibility from the seed, and the error for an unknown scheme.
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/init.h"
#include "medcnn/nn/network.h"
#include "test_support.h"

using namespace medcnn;

namespace {

// conv 64 -> 128, 3x3 (fan_in 576, fan_out 1152), BN(128), linear 300 -> 200.
std::shared_ptr<Chain> model() {
  auto m = std::make_shared<Chain>();
  m->add("conv", conv_nd(2, 64, 128, 3, 1, 1, 1, 1, true));
  m->add("bn", batch_norm_nd(2, 128));
  m->add("fc", torch::nn::AnyModule(torch::nn::Linear(300, 200)));
  torch::NoGradGuard no_grad;
  for (auto& p : m->parameters()) p.uniform_(3.0, 4.0);  // far from every scheme
  return m;
}

double std_of(const at::Tensor& t) { return t.to(torch::kFloat64).std().item<double>(); }
double max_abs(const at::Tensor& t) { return t.abs().max().item<double>(); }

void expect_common(Chain& m) {
  auto p = m.named_parameters();
  EXPECT_EQ(max_abs(p["conv.bias"]), 0.0);
  EXPECT_EQ(max_abs(p["fc.bias"]), 0.0);
  EXPECT_TRUE(torch::equal(p["bn.weight"], torch::ones({128})));
  EXPECT_EQ(max_abs(p["bn.bias"]), 0.0);
}

TEST(Init, KaimingIsHeNormalFanOutForConvolutions) {
  torch::manual_seed(10);
  auto m = model();
  apply_init(*m, "kaiming");
  auto p = m->named_parameters();
  EXPECT_NEAR(std_of(p["conv.weight"]), std::sqrt(2.0 / 1152.0), 0.02 * std::sqrt(2.0 / 1152.0));
  EXPECT_NEAR(p["conv.weight"].mean().item<double>(), 0.0, 0.001);
  // Linear: PyTorch's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const double bound = 1.0 / std::sqrt(300.0);
  EXPECT_LE(max_abs(p["fc.weight"]), bound);
  EXPECT_NEAR(std_of(p["fc.weight"]), bound / std::sqrt(3.0), 0.02 * bound);
  expect_common(*m);
}

TEST(Init, XavierIsGlorotUniform) {
  torch::manual_seed(11);
  auto m = model();
  apply_init(*m, "xavier");
  auto p = m->named_parameters();
  const double conv_bound = std::sqrt(6.0 / (576.0 + 1152.0));
  EXPECT_LE(max_abs(p["conv.weight"]), conv_bound);
  EXPECT_GT(max_abs(p["conv.weight"]), 0.99 * conv_bound);
  EXPECT_NEAR(std_of(p["conv.weight"]), conv_bound / std::sqrt(3.0), 0.02 * conv_bound);
  const double fc_bound = std::sqrt(6.0 / (300.0 + 200.0));
  EXPECT_LE(max_abs(p["fc.weight"]), fc_bound);
  EXPECT_NEAR(std_of(p["fc.weight"]), fc_bound / std::sqrt(3.0), 0.02 * fc_bound);
  expect_common(*m);
}

TEST(Init, GaussianHasStd001) {
  torch::manual_seed(12);
  auto m = model();
  apply_init(*m, "gaussian");
  auto p = m->named_parameters();
  EXPECT_NEAR(std_of(p["conv.weight"]), 0.01, 0.0002);
  EXPECT_NEAR(std_of(p["fc.weight"]), 0.01, 0.0003);
  expect_common(*m);
}

TEST(Init, UnknownSchemeIsAConfigError) {
  auto m = model();
  try {
    apply_init(*m, "orthogonal");
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("orthogonal"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("xavier"), std::string::npos);
  }
}

TEST(Init, MakeNetworkAppliesTheSpecsInitFromTheSeed) {
  NetworkSpec s;
  s.name = "resnet18";
  s.params = {{"width", 8}};
  s.init = "gaussian";
  torch::manual_seed(13);
  auto a = make_network(s);
  torch::manual_seed(13);
  auto b = make_network(s);
  auto pa = a->named_parameters();
  auto pb = b->named_parameters();
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  EXPECT_NEAR(std_of(pa["layer4.1.conv2.weight"]), 0.01, 0.0005);
  EXPECT_EQ(max_abs(pa["head.fc.bias"]), 0.0);
  // The new head of reset_head follows the same scheme.
  a->reset_head(4);
  EXPECT_NEAR(std_of(a->named_parameters()["head.fc.weight"]), 0.01, 0.003);
}

}  // namespace
