// Building blocks: activations (closed forms, RReLU's randomised training
// and mean-slope eval behaviour), multi-crop pooling and global pooling
// (worked by hand with loops), dilation of the dilated branches (impulse
// response), size bookkeeping (against torch's own output sizes), and the
// shapes and names of the other blocks.
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/bottleneck.h"
#include "medcnn/nn/blocks/classifier_head.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/dense_block.h"
#include "medcnn/nn/blocks/dilated_branches.h"
#include "medcnn/nn/blocks/global_pool.h"
#include "medcnn/nn/blocks/inception_module.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/multi_crop_pool.h"
#include "medcnn/nn/blocks/residual_block.h"
#include "medcnn/nn/blocks/separable_conv.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/blocks/transition.h"
#include "medcnn/nn/blocks/xception_block.h"
#include "test_support.h"

using namespace medcnn;

namespace {

using Sizes = std::vector<int64_t>;

at::Tensor run(torch::nn::AnyModule& m, const at::Tensor& x) { return m.forward(x); }

TEST(Activation, ClosedForms) {
  const at::Tensor x = torch::linspace(-4.0, 4.0, 81, torch::kFloat64);
  auto check = [&](const std::string& spec, const std::function<double(double)>& f) {
    auto m = make_activation(spec);
    m.ptr()->to(torch::kFloat64);
    m.ptr()->eval();
    at::Tensor y = run(m, x);
    for (int64_t i = 0; i < x.size(0); ++i) {
      const double v = x[i].item<double>();
      EXPECT_NEAR(y[i].item<double>(), f(v), 1e-12) << spec << " at " << v;
    }
  };
  check("identity", [](double v) { return v; });
  check("sigmoid", [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
  check("tanh", [](double v) { return std::tanh(v); });
  check("relu", [](double v) { return v > 0 ? v : 0.0; });
  check("leaky_relu", [](double v) { return v > 0 ? v : 0.01 * v; });
  check("leaky_relu(0.3)", [](double v) { return v > 0 ? v : 0.3 * v; });
  check("elu", [](double v) { return v > 0 ? v : std::exp(v) - 1.0; });
  check("elu(0.5)", [](double v) { return v > 0 ? v : 0.5 * (std::exp(v) - 1.0); });
  check("gelu", [](double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); });
  // Eval-mode RReLU: the mean slope (lower + upper) / 2; default 1/8 .. 1/3.
  check("rrelu(0.1, 0.3)", [](double v) { return v > 0 ? v : 0.2 * v; });
  check("rrelu", [](double v) { return v > 0 ? v : (1.0 / 8 + 1.0 / 3) / 2 * v; });
}

TEST(Activation, RReLUIsRandomisedInTraining) {
  torch::manual_seed(3);
  auto m = make_activation("rrelu(0.1,0.3)");
  m.ptr()->to(torch::kFloat64);
  m.ptr()->train();
  const at::Tensor x = -torch::rand({20000}, torch::kFloat64) - 0.5;  // all negative
  const at::Tensor slope = run(m, x) / x;
  EXPECT_GE(slope.min().item<double>(), 0.1 - 1e-12);
  EXPECT_LE(slope.max().item<double>(), 0.3 + 1e-12);
  // U(0.1, 0.3): mean 0.2, standard deviation 0.2 / sqrt(12) = 0.0577.
  EXPECT_NEAR(slope.mean().item<double>(), 0.2, 0.003);
  EXPECT_NEAR(slope.std().item<double>(), 0.2 / std::sqrt(12.0), 0.003);
  // Positive inputs pass unchanged; two draws differ.
  const at::Tensor pos = torch::rand({100}, torch::kFloat64) + 0.1;
  EXPECT_TRUE(torch::equal(run(m, pos), pos));
  EXPECT_FALSE(torch::equal(run(m, x), run(m, x)));
}

TEST(Activation, BadSpecsAreConfigErrors) {
  try {
    make_activation("swishy");
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("rrelu"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_activation("relu(1)"), ConfigError);
  EXPECT_THROW(make_activation("leaky_relu(abc)"), ConfigError);
  EXPECT_THROW(make_activation("rrelu(0.5, 0.1)"), ConfigError);
  EXPECT_THROW(make_activation("elu(1"), ConfigError);
}

// Shen et al.'s multi-crop pooling on an 8x8 map, three levels, by loops:
// level 0 = 4x4 max pooling of the whole map, level 1 = 2x2 max pooling of
// the centre 4x4 crop (rows/cols 2..5), level 2 = the centre 2x2 (3..4).
TEST(MultiCropPool, MatchesTheHandWorkedCrops) {
  torch::manual_seed(4);
  const at::Tensor x = torch::randn({2, 3, 8, 8});
  MultiCropPool pool(3);
  const at::Tensor y = pool.forward(x);
  ASSERT_EQ(y.sizes(), (Sizes{2, 9, 2, 2}));
  auto a = x.accessor<float, 4>();
  auto out = y.accessor<float, 4>();
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 2; ++j) {
          float m0 = -1e30f, m1 = -1e30f;
          for (int64_t u = 0; u < 4; ++u)
            for (int64_t v = 0; v < 4; ++v) m0 = std::max(m0, a[b][c][4 * i + u][4 * j + v]);
          for (int64_t u = 0; u < 2; ++u)
            for (int64_t v = 0; v < 2; ++v)
              m1 = std::max(m1, a[b][c][2 + 2 * i + u][2 + 2 * j + v]);
          EXPECT_EQ(out[b][0 * 3 + c][i][j], m0);
          EXPECT_EQ(out[b][1 * 3 + c][i][j], m1);
          EXPECT_EQ(out[b][2 * 3 + c][i][j], a[b][c][3 + i][3 + j]);
        }
  // One vector per crop (output_size 1): the crops' maxima; 3-D shapes.
  MultiCropPool global(2, 1);
  const at::Tensor g = global.forward(x);
  ASSERT_EQ(g.sizes(), (Sizes{2, 6, 1, 1}));
  EXPECT_EQ(g[1][4][0][0].item<float>(),
            x[1][1].slice(0, 2, 6).slice(1, 2, 6).max().item<float>());
  EXPECT_EQ(pool.forward(torch::randn({1, 2, 8, 12, 16})).sizes(), (Sizes{1, 6, 2, 3, 4}));
  EXPECT_EQ(pool.forward(torch::randn({1, 2, 16})).sizes(), (Sizes{1, 6, 4}));
  EXPECT_THROW(MultiCropPool(0), ConfigError);
}

TEST(GlobalPool, AvgMaxByLoops) {
  torch::manual_seed(5);
  const at::Tensor x = torch::randn({2, 3, 4, 5, 6}, torch::kFloat64);
  const at::Tensor y = global_pool(x, "avgmax");
  ASSERT_EQ(y.sizes(), (Sizes{2, 6}));
  auto a = x.accessor<double, 5>();
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t c = 0; c < 3; ++c) {
      double sum = 0, mx = -1e300;
      for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 5; ++j)
          for (int64_t k = 0; k < 6; ++k) {
            sum += a[b][c][i][j][k];
            mx = std::max(mx, a[b][c][i][j][k]);
          }
      EXPECT_NEAR(y[b][c].item<double>(), sum / 120.0, 1e-12);
      EXPECT_EQ(y[b][3 + c].item<double>(), mx);
    }
  EXPECT_EQ(GlobalPool("max").forward(torch::randn({2, 7, 9})).sizes(), (Sizes{2, 7}));
  EXPECT_THROW(GlobalPool("median"), ConfigError);
}

// A unit impulse through one dilated 3x3 conv of ones: the response is 1
// exactly at the centre +- {0, d} on each axis, so 9 pixels per branch.
TEST(DilatedBranches, ImpulseResponseShowsTheDilation) {
  DilatedBranches branches(2, 1, 1, {1, 3}, 1, 3, "identity", "none");
  {
    torch::NoGradGuard no_grad;
    for (auto& p : branches.named_parameters()) {
      if (p.key().find("weight") != std::string::npos) p.value().fill_(1.0);
      else p.value().zero_();
    }
  }
  at::Tensor x = torch::zeros({1, 1, 17, 17});
  x[0][0][8][8] = 1.0;
  const at::Tensor y = branches.forward(x);
  ASSERT_EQ(y.sizes(), (Sizes{1, 2, 17, 17}));
  const int64_t dil[] = {1, 3};
  for (int64_t b = 0; b < 2; ++b) {
    const int64_t d = dil[b];
    for (int64_t i = 0; i < 17; ++i)
      for (int64_t j = 0; j < 17; ++j) {
        const bool hit = (i == 8 || i == 8 - d || i == 8 + d) && (j == 8 || j == 8 - d || j == 8 + d);
        EXPECT_EQ(y[0][b][i][j].item<float>(), hit ? 1.0f : 0.0f) << "branch " << b << " " << i
                                                                  << "," << j;
      }
  }
  EXPECT_EQ(DilatedBranches(3, 2, 4, {1, 2, 3}, 2).forward(torch::randn({1, 2, 9, 9, 9})).sizes(),
            (Sizes{1, 12, 9, 9, 9}));
  EXPECT_THROW(DilatedBranches(2, 1, 1, {}), ConfigError);
}

// SizeChain against the output sizes torch itself gives (0 = torch refuses).
TEST(SizeChain, AgreesWithTorch) {
  struct Layer {
    int64_t k, s, p, d;
    bool pool, ceil;
  };
  const std::vector<std::vector<Layer>> chains = {
      {{7, 2, 3, 1, false, false}, {3, 2, 1, 1, true, false}},              // ResNet stem
      {{7, 2, 3, 1, false, false}, {3, 2, 0, 1, true, true}, {2, 2, 0, 1, true, true}},
      {{11, 4, 2, 1, false, false}, {3, 2, 0, 1, true, false}, {3, 2, 0, 1, true, false}},
      {{3, 1, 0, 2, false, false}, {2, 2, 0, 1, true, false}, {5, 1, 0, 1, false, false}},
      {{2, 1, 0, 1, false, false}, {3, 3, 1, 1, true, true}},
  };
  for (size_t c = 0; c < chains.size(); ++c) {
    SizeChain chain;
    for (const auto& l : chains[c]) {
      if (l.pool) chain.pool(l.k, l.s, l.p, l.ceil);
      else chain.conv(l.k, l.s, l.p, l.d);
    }
    for (int64_t n = 1; n <= 40; ++n) {
      int64_t expect = 0;
      try {
        at::Tensor x = torch::zeros({1, 1, n});
        for (const auto& l : chains[c]) {
          if (l.pool)
            x = torch::max_pool1d(x, {l.k}, {l.s}, {l.p}, {1}, l.ceil);
          else
            x = torch::conv1d(x, torch::ones({1, 1, l.k}), {}, {l.s}, {l.p}, {l.d});
        }
        expect = x.size(2);
      } catch (const c10::Error&) {
        expect = 0;
      }
      EXPECT_EQ(chain.out(n), expect) << "chain " << c << " n " << n;
    }
    int64_t first = 1;
    while (chain.out(first) == 0) ++first;
    EXPECT_EQ(chain.min_input(), first);
  }
}

TEST(ConvNormAct, SamePaddingBiasAndNames) {
  ConvNormAct a(ConvNormActOptions(2, 3, 8, 5).dilation(2));
  EXPECT_EQ(a.forward(torch::randn({2, 3, 13, 11})).sizes(), (Sizes{2, 8, 13, 11}));
  auto names = a.named_parameters();
  EXPECT_TRUE(names.contains("conv.weight"));
  EXPECT_FALSE(names.contains("conv.bias"));  // batch norm follows
  EXPECT_TRUE(names.contains("norm.weight"));
  ConvNormAct b(ConvNormActOptions(1, 3, 4, 3).norm("none").act("elu").stride(2));
  EXPECT_TRUE(b.named_parameters().contains("conv.bias"));
  EXPECT_EQ(b.forward(torch::randn({1, 3, 9})).sizes(), (Sizes{1, 4, 5}));
  ConvNormAct c(ConvNormActOptions(3, 2, 4).norm("instance"));
  EXPECT_EQ(c.forward(torch::randn({1, 2, 5, 6, 7})).sizes(), (Sizes{1, 4, 5, 6, 7}));
  EXPECT_THROW(ConvNormAct(ConvNormActOptions(2, 1, 1).norm("layer")), ConfigError);
  EXPECT_THROW(ConvNormAct(ConvNormActOptions(4, 1, 1)), ConfigError);
}

TEST(Blocks, ShapesAndTorchvisionNames) {
  ResidualBlock basic(2, 8, 16, 2);
  EXPECT_EQ(basic.forward(torch::randn({2, 8, 9, 10})).sizes(), (Sizes{2, 16, 5, 5}));
  EXPECT_TRUE(basic.named_parameters().contains("downsample.0.weight"));
  EXPECT_TRUE(basic.named_buffers().contains("bn2.running_var"));
  ResidualBlock same(1, 8, 8, 1);
  EXPECT_FALSE(same.named_parameters().contains("downsample.0.weight"));
  Bottleneck neck(3, 16, 4, 2);
  EXPECT_EQ(neck.forward(torch::randn({1, 16, 6, 7, 8})).sizes(), (Sizes{1, 16, 3, 4, 4}));
  EXPECT_TRUE(neck.named_parameters().contains("conv3.weight"));

  DenseBlock dense(2, 3, 8, 4, 2);
  EXPECT_EQ(dense.out_channels(), 20);
  EXPECT_EQ(dense.forward(torch::randn({1, 8, 6, 6})).sizes(), (Sizes{1, 20, 6, 6}));
  EXPECT_TRUE(dense.named_parameters().contains("denselayer3.conv2.weight"));
  Transition trans(3, 20, 10);
  EXPECT_EQ(trans.forward(torch::randn({1, 20, 6, 7, 5})).sizes(), (Sizes{1, 10, 3, 3, 2}));

  InceptionModule inc(2, 8, {4, 3, 6, 2, 5, 7});
  EXPECT_EQ(inc.out_channels(), 22);
  EXPECT_EQ(inc.forward(torch::randn({1, 8, 7, 9})).sizes(), (Sizes{1, 22, 7, 9}));
  EXPECT_EQ(inc.named_parameters()["branch3.1.conv.weight"].sizes(), (Sizes{5, 2, 5, 5}));

  SeparableConv sep(1, 4, 6, 3, 2);
  EXPECT_EQ(sep.forward(torch::randn({1, 4, 11})).sizes(), (Sizes{1, 6, 6}));
  XceptionBlock xb(2, 4, 8, 2, 2);
  EXPECT_EQ(xb.forward(torch::randn({1, 4, 9, 8})).sizes(), (Sizes{1, 8, 5, 4}));

  ClassifierHead head(2, 6, 3, HeadOptions().pool("avgmax").pool_size(2).hidden({5}));
  EXPECT_EQ(head.in_features(), 6 * 2 * 4);
  EXPECT_EQ(head.forward(torch::randn({2, 6, 7, 7})).sizes(), (Sizes{2, 3}));
  EXPECT_EQ(head.named_parameters()["fc1.weight"].sizes(), (Sizes{5, 48}));
  EXPECT_EQ(head.named_parameters()["fc.weight"].sizes(), (Sizes{3, 5}));
}

TEST(Layers, DimensionGenericFactories) {
  for (int64_t d = 1; d <= 3; ++d) {
    Sizes shape{2, 4};
    for (int64_t i = 0; i < d; ++i) shape.push_back(8);
    const at::Tensor x = torch::randn(shape);
    auto conv = conv_nd(d, 4, 6, 3, 2, 1);
    EXPECT_EQ(conv.forward(x).size(1), 6);
    EXPECT_EQ(conv.forward(x).size(2), 4);
    EXPECT_EQ(max_pool_nd(d, 2).forward(x).size(-1), 4);
    EXPECT_EQ(avg_pool_nd(d, 3, 1, 1).forward(x).size(-1), 8);
    EXPECT_EQ(adaptive_avg_pool_nd(d, 3).forward(x).size(-1), 3);
    EXPECT_EQ(adaptive_max_pool_nd(d, 1).forward(x).numel(), 8);
    EXPECT_EQ(batch_norm_nd(d, 4).forward(x).sizes(), x.sizes());
    EXPECT_TRUE(torch::allclose(adaptive_avg_pool(x, 1).flatten(1), global_pool(x, "avg")));
    // Channel dropout zeroes whole channels.
    auto drop = dropout_nd(0.5, true);
    drop.ptr()->train();
    const at::Tensor y = drop.forward(torch::ones(shape));
    const at::Tensor per_channel = y.flatten(2);
    EXPECT_TRUE(torch::equal(per_channel.amin(2), per_channel.amax(2)));
  }
  EXPECT_THROW(conv_nd(0, 1, 1, 3), ConfigError);
  EXPECT_THROW(dropout_nd(1.0), ConfigError);
}

}  // namespace
