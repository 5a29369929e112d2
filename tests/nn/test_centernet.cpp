// CenterNet: the parameter count of a small layout worked by hand, the
// stride-4 output grid in 2-D and 3-D for sizes that are not multiples of
// 32, the heatmap prior of an untrained detector, named layers, a new head.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/network.h"
#include "network_build.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

NetworkPtr centernet(nlohmann::json params, int64_t dims, int64_t classes, int64_t in = 1) {
  return mt::build_network("centernet", std::move(params), dims, in, classes + 2 * dims);
}

}  // namespace

TEST(CenterNet, ParameterCountOfASmallLayoutWorkedByHand) {
  // blocks [1,1,1,1], width 2, neck 4, 1 channel in, K = 1, 2-D:
  //  stem: 7x7 conv 1->2 no bias (98) + bn (4)                                  =  102
  //  layer1: 3x3 2->2 (36) + bn (4) + 3x3 2->2 (36) + bn (4)                     =   80
  //  layer2: 3x3 2->4 (72) + bn 8 + 3x3 4->4 (144) + bn 8 + 1x1 2->4 (8) + bn 8  =  248
  //  layer3: 288 + 16 + 576 + 16 + 32 + 16                                       =  944
  //  layer4: 1152 + 32 + 2304 + 32 + 128 + 32                                    = 3680
  //  neck laterals 1x1 with bias: 2->4 (12), 4->4 (20), 8->4 (36), 16->4 (68)    =  136
  //  neck smoothing, 3 x (3x3 4->4 no bias (144) + bn (8))                       =  456
  //  head.heatmap: 3x3 4->4 + bias (148) + 1x1 4->1 + bias (5)                   =  153
  //  head.box:     3x3 4->4 + bias (148) + 1x1 4->4 + bias (20)                  =  168
  auto net = centernet({{"blocks", {1, 1, 1, 1}}, {"width", 2}, {"neck_width", 4}}, 2, 1);
  EXPECT_EQ(mt::parameter_count(net), 102 + 80 + 248 + 944 + 3680 + 136 + 456 + 153 + 168);
}

TEST(CenterNet, OutputsTheStride4GridIn2DAnd3D) {
  torch::manual_seed(0);
  auto net2 = centernet({{"width", 8}, {"neck_width", 16}}, 2, 3);
  net2->eval();
  at::Tensor y = net2->forward(torch::randn({2, 1, 70, 50}));
  // layer1's grid: 70 -> conv s2 35 -> pool s2 18; 50 -> 25 -> 13
  EXPECT_EQ(y.sizes(), at::IntArrayRef({2, 3 + 4, 18, 13}));
  auto net3 = centernet({{"width", 4}, {"neck_width", 8}, {"blocks", {1, 1, 1, 1}}}, 3, 2, 2);
  net3->eval();
  at::Tensor z = net3->forward(torch::randn({1, 2, 32, 40, 24}));
  EXPECT_EQ(z.sizes(), at::IntArrayRef({1, 2 + 6, 8, 10, 6}));
  // a volume given to the 2-D detector is a DataError naming the network
  const std::string m =
      mt::expect_error<DataError>([&] { net2->forward(torch::randn({1, 1, 8, 8, 8})); });
  EXPECT_NE(m.find("centernet"), std::string::npos) << m;
}

TEST(CenterNet, AnUntrainedDetectorPredictsCentresAtTheTenPercentPrior) {
  torch::manual_seed(1);
  auto net = centernet({{"width", 8}, {"neck_width", 16}}, 2, 2);
  net->eval();
  torch::NoGradGuard no_grad;
  at::Tensor y = net->forward(torch::rand({2, 1, 64, 64}));
  // small last-layer weights (own_init) keep the logits at the prior log(0.1/0.9)
  at::Tensor heat = torch::sigmoid(y.narrow(1, 0, 2));
  EXPECT_NEAR(heat.mean().item<double>(), 0.1, 0.02);
  EXPECT_LT(y.narrow(1, 2, 4).abs().max().item<double>(), 1.0);
  // even after reset_head (transfer learning) with another class count
  net->reset_head(3 + 4);
  net->eval();
  at::Tensor y3 = net->forward(torch::rand({1, 1, 64, 64}));
  EXPECT_EQ(y3.size(1), 7);
  EXPECT_NEAR(torch::sigmoid(y3.narrow(1, 0, 3)).mean().item<double>(), 0.1, 0.02);
  // a spec without room for the box channels is a ConfigError
  NetworkSpec bad;
  bad.name = "centernet";
  bad.num_classes = 4;  // 2-D needs K + 4 with K >= 1
  mt::expect_error<ConfigError>([&] { make_network(bad); });
}

TEST(CenterNet, EveryNamedLayerCanBeTapped) {
  torch::manual_seed(2);
  auto net = centernet({{"width", 4}, {"neck_width", 8}}, 2, 1);
  net->eval();
  torch::NoGradGuard no_grad;
  at::Tensor x = torch::rand({1, 1, 64, 64});
  at::Tensor y = net->forward(x);
  for (const auto& layer : net->layer_names()) {
    bool seen = false;
    at::Tensor same = net->forward_tapped(x, layer, [&](const at::Tensor& a) {
      seen = true;
      return a;
    });
    EXPECT_TRUE(seen) << layer;
    EXPECT_TRUE(torch::allclose(same, y)) << layer;
    at::Tensor zeroed = net->forward_tapped(x, layer, [](const at::Tensor& a) { return a * 0; });
    EXPECT_FALSE(torch::allclose(zeroed, y)) << layer;
  }
}
