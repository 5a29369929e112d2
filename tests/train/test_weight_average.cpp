// WeightAverage: the moving average of weights, worked by hand.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/train/weight_average.h"
#include "toy.h"

namespace mt = medcnn::test;

namespace {

// A convolution and a batch norm: parameters, float buffers (running mean
// and variance) and an integer buffer (num_batches_tracked).
class NormNet : public medcnn::Network {
 public:
  NormNet() : Network(medcnn::NetworkSpec{}) {
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, 3)));
    norm_ = register_module("norm", torch::nn::BatchNorm2d(2));
  }
  at::Tensor features(at::Tensor x) override { return norm_->forward(conv_->forward(x)); }
  at::Tensor head(at::Tensor f) override { return f.mean({2, 3}); }
  void reset_head(int64_t) override {}
  torch::nn::BatchNorm2d norm_{nullptr};

 private:
  torch::nn::Conv2d conv_{nullptr};
};

void fill_all(medcnn::Network& net, double v) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.parameters()) p.fill_(v);
}

}  // namespace

TEST(WeightAverage, FollowsTheWarmedUpDecayWorkedByHand) {
  // Weights 0, then 1 after step 1, then 3 after step 2. d_1 = min(0.5, 2/11)
  // = 2/11: a_1 = 2/11 * 0 + 9/11 * 1 = 9/11. d_2 = min(0.5, 3/12) = 1/4:
  // a_2 = 1/4 * 9/11 + 3/4 * 3 = 27/11. From step 8 on, d = 0.5: with the
  // weights held at 3, a_8 = 3 - (3 - a_7) / 2.
  mt::ToyNet net(medcnn::NetworkSpec{});
  fill_all(net, 0);
  medcnn::WeightAverage avg(net, 0.5);
  fill_all(net, 1);
  avg.update(net);
  for (const auto& t : avg.tensors()) EXPECT_NEAR(t.max().item<double>(), 9.0 / 11, 1e-6);
  fill_all(net, 3);
  avg.update(net);
  for (const auto& t : avg.tensors()) {
    EXPECT_NEAR(t.min().item<double>(), 27.0 / 11, 1e-6);
    EXPECT_NEAR(t.max().item<double>(), 27.0 / 11, 1e-6);
  }
  double a = 27.0 / 11;
  for (int t = 3; t <= 9; ++t) {
    const double d = std::min(0.5, (1.0 + t) / (10.0 + t));
    a = d * a + (1 - d) * 3;
    avg.update(net);
  }
  EXPECT_EQ(avg.steps(), 9);
  EXPECT_NEAR(avg.tensors()[0].max().item<double>(), a, 1e-6);
  EXPECT_THROW(medcnn::WeightAverage(net, 1.0), medcnn::ConfigError);
  EXPECT_THROW(medcnn::WeightAverage(net, 0.0), medcnn::ConfigError);
}

TEST(WeightAverage, AveragesNormStatisticsAndCopiesCounters) {
  NormNet net;
  medcnn::WeightAverage avg(net, 0.5);  // running mean 0, var 1, count 0
  net.train();
  torch::manual_seed(0);
  {
    torch::NoGradGuard no_grad;
    net.forward(torch::randn({4, 1, 8, 8}) + 5);  // moves the running mean, count 1
  }
  const at::Tensor mean = net.norm_->running_mean.clone();
  avg.update(net);  // d_1 = 2/11
  // Order: parameters (conv w, b, norm w, b), then buffers (mean, var, count).
  const auto& t = avg.tensors();
  ASSERT_EQ(t.size(), 7u);
  EXPECT_TRUE(torch::allclose(t[4], mean * (9.0 / 11), 1e-6, 1e-7));
  EXPECT_EQ(t[6].item<int64_t>(), 1) << "the counter is copied, not averaged";
  // swap exchanges the network's state with the average, twice restores it.
  const at::Tensor live_w = net.parameters()[0].detach().clone();
  avg.swap(net);
  EXPECT_TRUE(torch::allclose(net.norm_->running_mean, mean * (9.0 / 11), 1e-6, 1e-7));
  EXPECT_TRUE(torch::equal(avg.tensors()[0], live_w));
  avg.swap(net);
  EXPECT_TRUE(torch::equal(net.parameters()[0], live_w));
  EXPECT_TRUE(torch::equal(net.norm_->running_mean, mean));
}
