// U-Net family: output on the input grid for any size (2-D, 3-D, 1-D), the
// parameter count of a small layout worked by hand, deep supervision,
// attention gates, residual units, group norm and interpolation upsampling,
// new head, and that a tiny U-Net learns to segment a phantom disc.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/network.h"
#include "phantom_disc.h"
#include "network_build.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

NetworkPtr unet(const std::string& name, nlohmann::json params, int64_t dims = 2,
                int64_t in = 1, int64_t classes = 2) {
  return mt::build_network(name, std::move(params), dims, in, classes);
}

}  // namespace

TEST(UNet, ParameterCountOfASmallLayoutWorkedByHand) {
  // depth 2, width 4, 1 -> 2 classes, batch norm, transposed convolution:
  //  encoder.0: conv 1->4 3x3 (36) + bn (8) + conv 4->4 (144) + bn (8)   = 196
  //  encoder.1: conv 4->8 (288) + bn (16) + conv 8->8 (576) + bn (16)    = 896
  //  decoder.0: up 8->4 2x2 transposed (128 + 4 bias) = 132;
  //             conv 8->4 (288) + bn (8) + conv 4->4 (144) + bn (8)      = 448
  //  head: 1x1 conv 4->2 (8 + 2)                                         = 10
  EXPECT_EQ(mt::parameter_count(unet("unet", {{"depth", 2}, {"width", 4}})),
            196 + 896 + 132 + 448 + 10);
  // max_width caps the channels: depth 3, width 4, max_width 6 -> 4, 6, 6.
  //  encoder: (36+8+144+8) + (216+12+324+12) + (324+12+324+12) = 196 + 564 + 672
  //  decoder.1: up 6->6 (144+6) + conv 12->6 (648) + bn 12 + conv 6->6 (324) + bn 12 = 1146
  //  decoder.0: up 6->4 (96+4) + conv 8->4 (288) + 8 + 144 + 8 = 548;  head 10
  EXPECT_EQ(mt::parameter_count(unet("unet", {{"depth", 3}, {"width", 4}, {"max_width", 6}})),
            196 + 564 + 672 + 1146 + 548 + 10);
}

TEST(UNet, OutputLiesOnTheInputGridForAnySize) {
  torch::manual_seed(0);
  torch::NoGradGuard no_grad;
  struct Case {
    std::string name;
    nlohmann::json params;
    int64_t dims;
    std::vector<int64_t> shape;
  };
  std::vector<Case> cases = {
      {"unet", {{"depth", 4}, {"width", 4}}, 2, {2, 1, 37, 45}},
      {"unet", {{"depth", 3}, {"width", 4}, {"norm", "instance"}}, 3, {1, 1, 13, 16, 9}},
      {"unet", {{"depth", 3}, {"width", 4}, {"upsample", "linear"}, {"norm", "group"}}, 2,
       {1, 1, 20, 17}},
      {"unet", {{"depth", 3}, {"width", 4}, {"upsample", "nearest"}}, 1, {2, 1, 50}},
      {"residual_unet", {{"depth", 3}, {"width", 4}}, 2, {1, 1, 19, 24}},
      {"attention_unet", {{"depth", 3}, {"width", 8}}, 3, {1, 1, 12, 12, 15}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + " " + c.params.dump());
    auto net = unet(c.name, c.params, c.dims, c.shape[1], 3);
    net->eval();
    auto x = torch::randn(c.shape);
    auto y = net->forward(x);
    std::vector<int64_t> expect = c.shape;
    expect[1] = 3;
    EXPECT_EQ(y.sizes().vec(), expect);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_TRUE(torch::allclose(net->head(net->features(x)), y, 1e-5, 1e-6));
  }
}

TEST(UNet, DeepSupervisionGivesCoarserOutputsInTrainingOnly) {
  torch::manual_seed(1);
  auto net = unet("unet", {{"depth", 4}, {"width", 4}, {"deep_supervision", true}});
  auto x = torch::randn({2, 1, 30, 33});
  net->train();
  auto outs = net->forward_deep(x);
  ASSERT_EQ(outs.size(), 3u);  // full, 1/2, 1/4 resolution
  EXPECT_EQ(outs[0].sizes().vec(), (std::vector<int64_t>{2, 2, 30, 33}));
  EXPECT_EQ(outs[1].sizes().vec(), (std::vector<int64_t>{2, 2, 15, 17}));
  EXPECT_EQ(outs[2].sizes().vec(), (std::vector<int64_t>{2, 2, 8, 9}));
  // Gradients reach the auxiliary heads.
  (outs[1].sum() + outs[2].sum()).backward();
  for (const auto& p : net->named_parameters())
    if (p.key().rfind("aux.", 0) == 0) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0) << p.key();
    }
  net->eval();
  EXPECT_EQ(net->forward_deep(x).size(), 1u);
  // Without deep supervision: only the main output.
  auto plain = unet("unet", {{"depth", 4}, {"width", 4}});
  plain->train();
  EXPECT_EQ(plain->forward_deep(x).size(), 1u);
}

TEST(UNet, NewHeadKeepsTheRestAndUnknownParamsAreNamed) {
  auto net = unet("attention_unet", {{"depth", 3}, {"width", 4}});
  std::map<std::string, at::Tensor> before;
  for (const auto& p : net->named_parameters()) before[p.key()] = p.value().clone();
  net->reset_head(4);
  net->eval();
  torch::NoGradGuard no_grad;
  EXPECT_EQ(net->forward(torch::randn({1, 1, 16, 16})).size(1), 4);
  for (const auto& p : net->named_parameters()) {
    if (p.key().rfind("head.", 0) == 0) continue;
    EXPECT_TRUE(torch::equal(before.at(p.key()), p.value())) << p.key();
  }
  auto msg = mt::expect_error<ConfigError>([] { unet("unet", {{"levels", 3}}); });
  EXPECT_TRUE(mt::has(msg, "levels")) << msg;
  EXPECT_TRUE(mt::has(msg, "depth")) << msg;  // the allowed keys are listed
  msg = mt::expect_error<ConfigError>([] { unet("unet", {{"norm", "layer"}}); });
  EXPECT_TRUE(mt::has(msg, "norm")) << msg;
}

TEST(UNet, LearnsToSegmentAPhantomDisc) {
  // Bright discs of random centre and radius on noise; 150 Adam steps.
  torch::manual_seed(3);
  auto make = [](int64_t n) { return mt::phantom_discs(n); };
  auto net = unet("unet", {{"depth", 3}, {"width", 8}});
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(0.01));
  for (int step = 0; step < 150; ++step) {
    auto [x, m] = make(8);
    net->train();
    auto loss = torch::nll_loss2d(torch::log_softmax(net->forward(x), 1), m);
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  net->eval();
  torch::NoGradGuard no_grad;
  auto [x, m] = make(16);
  auto pred = net->forward(x).argmax(1);
  EXPECT_GT(mt::foreground_dice(pred, m), 0.9);
}
