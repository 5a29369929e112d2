// optimize_for_inference: the traced, frozen and optimised module must compute
// what the eager network computes (eval mode, no grad) -- the eager libtorch
// forward is the reference -- for several batch and image sizes, and fall
// back to the eager network where a trace cannot be trusted.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <thread>

#include "medcnn/core/error.h"
#include "medcnn/infer/optimize.h"

namespace {

using medcnn::InferenceModel;
using medcnn::InferenceOptions;

// conv-bn-relu, pool, conv-bn-relu, global average pool, linear.
struct SmallNetImpl : torch::nn::Module {
  explicit SmallNetImpl(bool view_head = false) : view_head(view_head) {
    conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3).padding(1)));
    bn1 = register_module("bn1", torch::nn::BatchNorm2d(8));
    conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 16, 3).padding(1)));
    bn2 = register_module("bn2", torch::nn::BatchNorm2d(16));
    fc = register_module("fc", torch::nn::Linear(16, 3));
  }
  at::Tensor forward(at::Tensor x) {
    x = torch::relu(bn1(conv1(x)));
    x = torch::max_pool2d(x, 2);
    x = torch::relu(bn2(conv2(x)));
    if (view_head) {
      // Sizes read as integers: the trace bakes them in.
      x = x.sum({2, 3}) * (1.0 / static_cast<double>(x.size(2) * x.size(3)));
      return fc(x.view({x.size(0), -1}));
    }
    x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    return fc(x);
  }
  bool view_head;
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(SmallNet);

// A trained-looking network: batch-norm statistics away from (0, 1).
SmallNet make_net(bool view_head = false) {
  torch::manual_seed(7);
  SmallNet net(view_head);
  net->train();
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 3; ++i) net->forward(torch::randn({8, 3, 16, 16}) * 2 + 0.5);
  net->eval();
  return net;
}

at::Tensor eager(SmallNet& net, const at::Tensor& x) {
  torch::NoGradGuard no_grad;
  net->eval();
  return net->forward(x);
}

void expect_close(const at::Tensor& got, const at::Tensor& want, double tol, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  const double diff = (got - want).abs().max().item<double>();
  EXPECT_LE(diff, tol) << what << ": max |optimised - eager| = " << diff;
}

TEST(OptimizeForInference, MatchesEagerForBatchAndImageSizes) {
  SmallNet net = make_net();
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::randn({1, 3, 32, 32}));
  ASSERT_EQ(model.level(), "optimized") << model.fallback_reason();
  EXPECT_TRUE(model.fallback_reason().empty());
  // The weights are frozen into the graph: no parameter reads remain.
  EXPECT_EQ(model.graph_dump().find("prim::GetAttr"), std::string::npos) << model.graph_dump();
  torch::manual_seed(11);
  for (int64_t batch : {1, 4})
    for (int64_t size : {32, 20}) {
      const at::Tensor x = torch::randn({batch, 3, size, size}) * 3;
      const at::Tensor want = eager(net, x);
      const at::Tensor got = model.forward(x);
      EXPECT_FALSE(got.requires_grad());
      expect_close(got, want, 1e-4, "batch " + std::to_string(batch) + " size " + std::to_string(size));
      EXPECT_TRUE(model.optimized_for(x));
      // Second call (the plan cached for the shape) gives the same numbers.
      expect_close(model(x), want, 1e-4, "again");
    }
  // Global pooling: one trace serves every shape.
  EXPECT_EQ(model.traces_made(), 1u);
  EXPECT_EQ(model.shapes_seen(), 4u);
}

TEST(OptimizeForInference, WeightsAreACopyAndTheNetworkIsUntouched) {
  SmallNet net = make_net();
  const at::Tensor w = net->conv1->weight.detach().clone();
  const at::Tensor mean = net->bn1->running_mean.clone();
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::randn({2, 3, 16, 16}));
  ASSERT_TRUE(model.optimized()) << model.fallback_reason();
  const at::Tensor x = torch::randn({2, 3, 16, 16});
  model.forward(x);
  EXPECT_FALSE(net->is_training());  // put in eval mode
  EXPECT_TRUE(torch::equal(net->conv1->weight.detach(), w));
  EXPECT_TRUE(torch::equal(net->bn1->running_mean, mean));
  EXPECT_FALSE(net->conv1->weight.grad().defined());
}

TEST(OptimizeForInference, ChannelsLast) {
  SmallNet net = make_net();
  InferenceOptions o;
  o.channels_last = true;
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::randn({1, 3, 24, 24}), o);
  ASSERT_TRUE(model.optimized()) << model.fallback_reason();
  for (int64_t batch : {1, 4}) {
    const at::Tensor x = torch::randn({batch, 3, 24, 24});
    expect_close(model.forward(x), eager(net, x), 1e-4, "channels-last batch " + std::to_string(batch));
  }
}

TEST(OptimizeForInference, SizesBakedIntoTheTraceAreRetracedPerShape) {
  SmallNet net = make_net(/*view_head=*/true);
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::randn({1, 3, 16, 16}));
  ASSERT_TRUE(model.optimized()) << model.fallback_reason();
  torch::manual_seed(3);
  for (int64_t batch : {1, 4})
    for (int64_t size : {16, 24}) {
      const at::Tensor x = torch::randn({batch, 3, size, size});
      expect_close(model.forward(x), eager(net, x), 1e-4,
                   "batch " + std::to_string(batch) + " size " + std::to_string(size));
      EXPECT_TRUE(model.optimized_for(x));
    }
  // [1,16,16] traced first; the batch-4 view and the 1/(h*w) scale of the
  // other size cannot reuse it, so every shape got its own trace.
  EXPECT_EQ(model.traces_made(), 4u);
}

// Control flow on a value read with item(): the mean decides the branch.
struct BranchNetImpl : torch::nn::Module {
  BranchNetImpl() {
    a = register_module("a", torch::nn::Linear(4, 2));
    b = register_module("b", torch::nn::Linear(4, 2));
  }
  at::Tensor forward(at::Tensor x) {
    if (x.mean().item<double>() > 0) return a(x);
    return b(x);
  }
  torch::nn::Linear a{nullptr}, b{nullptr};
};
TORCH_MODULE(BranchNet);

TEST(OptimizeForInference, ValueDependentBranchFallsBackToEager) {
  torch::manual_seed(5);
  BranchNet net;
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::rand({3, 4}) + 1);
  EXPECT_FALSE(model.optimized());
  EXPECT_EQ(model.level(), "eager");
  EXPECT_NE(model.fallback_reason().find("aten::mean"), std::string::npos) << model.fallback_reason();
  const at::Tensor pos = torch::rand({3, 4}) + 1, neg = -pos;
  torch::NoGradGuard no_grad;
  // Worked by hand: each branch is one linear layer.
  expect_close(model.forward(pos), torch::addmm(net->a->bias, pos, net->a->weight.t()), 1e-6, "pos");
  expect_close(model.forward(neg), torch::addmm(net->b->bias, neg, net->b->weight.t()), 1e-6, "neg");
}

// The value read is used on the branch taken, so no op is left unused; the
// check on the negated input sees the other branch.
struct ScaleNetImpl : torch::nn::Module {
  ScaleNetImpl() { fc = register_module("fc", torch::nn::Linear(4, 2)); }
  at::Tensor forward(at::Tensor x) {
    const at::Tensor m = x.mean();
    if (m.item<double>() > 0) return fc(x) * m;
    return fc(x);
  }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(ScaleNet);

TEST(OptimizeForInference, BranchSeenOnTheNegatedInputFallsBackToEager) {
  torch::manual_seed(6);
  ScaleNet net;
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::rand({2, 4}) + 0.5);
  EXPECT_FALSE(model.optimized());
  EXPECT_NE(model.fallback_reason().find("negated"), std::string::npos) << model.fallback_reason();
  const at::Tensor x = -(torch::rand({2, 4}) + 0.5);
  torch::NoGradGuard no_grad;
  expect_close(model.forward(x), torch::addmm(net->fc->bias, x, net->fc->weight.t()), 1e-6, "neg");
}

TEST(OptimizeForInference, DisabledRunsEager) {
  SmallNet net = make_net();
  InferenceOptions o;
  o.enable = false;
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::randn({1, 3, 16, 16}), o);
  EXPECT_FALSE(model.optimized());
  const at::Tensor x = torch::randn({2, 3, 16, 16});
  EXPECT_TRUE(torch::equal(model.forward(x), eager(net, x)));
  EXPECT_EQ(model.traces_made(), 0u);
}

TEST(OptimizeForInference, ConcurrentCallsGiveTheEagerResults) {
  SmallNet net = make_net();
  auto model = medcnn::optimize_for_inference(net.ptr(), torch::randn({1, 3, 16, 16}));
  ASSERT_TRUE(model.optimized()) << model.fallback_reason();
  std::vector<at::Tensor> inputs, want;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back(torch::randn({1 + i % 2, 3, 16 + 4 * (i / 2), 16 + 4 * (i / 2)}));
    want.push_back(eager(net, inputs.back()));
  }
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 5; ++r) {
        const int i = (t + r) % 4;
        const at::Tensor got = model.forward(inputs[i]);
        if (got.sizes() != want[i].sizes() || (got - want[i]).abs().max().item<double>() > 1e-4)
          ++bad;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(OptimizeForInference, Errors) {
  SmallNet net = make_net();
  EXPECT_THROW(medcnn::optimize_for_inference(net.ptr(), at::Tensor()), medcnn::ConfigError);
  EXPECT_THROW(InferenceModel().forward(torch::zeros({1})), medcnn::ConfigError);
  // A network that rejects the example (wrong channel count) throws as eager does.
  EXPECT_ANY_THROW(medcnn::optimize_for_inference(net.ptr(), torch::randn({1, 2, 16, 16})));
}

}  // namespace
