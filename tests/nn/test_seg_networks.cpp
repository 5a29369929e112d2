// The segmentation families besides the U-Nets: dilated_fcn (Yu & Koltun
// 2016), segnet (Badrinarayanan et al. 2017), deepmedic (Kamnitsas et al.
// 2017), cascaded_cnn (Havaei et al. 2017) and centre_pixel_cnn (Ciresan et
// al. 2012; its dense pass against the patch classifier written out here). Output on the input grid for
// odd sizes in 1-D/2-D/3-D, parameter counts of small layouts worked by hand,
// SegNet's unpooling and DeepMedic's subsampled pathway on hand-worked
// tensors (weights set so the network computes only that step), bad params,
// a new head, and that each network learns to segment a phantom disc.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/max_unpool.h"
#include "medcnn/nn/network.h"
#include "network_build.h"
#include "phantom_disc.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;
using mt::parameter_count;

namespace {

NetworkPtr net(const std::string& name, nlohmann::json params, int64_t dims = 2, int64_t in = 1,
               int64_t classes = 2) {
  return mt::build_network(name, std::move(params), dims, in, classes);
}

// Small layouts of each family, for shapes, names and training.
const nlohmann::json kDilated = {{"dilations", {1, 2, 4, 8}}, {"width", 8}};
const nlohmann::json kSegNet = {{"depth", 3}, {"width", 8}};
const nlohmann::json kDeepMedic = {{"channels", {8, 8, 8, 8}}, {"fc", {16}}};
const nlohmann::json kCascaded = {{"local_kernels", {5, 3}}, {"local_pools", {2, 1}},
                                  {"local_width", 8},        {"global_kernel", 9},
                                  {"global_width", 8},       {"out_kernel", 3}};
const nlohmann::json kCentre = {{"patch_size", 15}, {"kernels", {4, 3}}, {"channels", {8, 8}},
                                {"hidden", 16}};

// Sets every weight to a "delta" kernel (1 at the centre tap, 0 elsewhere)
// times scale(name), and every bias to 0.
void set_delta_weights(Network& n, const std::function<double(const std::string&)>& scale) {
  torch::NoGradGuard no_grad;
  for (auto& p : n.named_parameters()) {
    at::Tensor w = p.value();
    w.zero_();
    if (p.key().size() >= 6 && p.key().compare(p.key().size() - 6, 6, "weight") == 0) {
      at::Tensor centre = w;
      for (int64_t a = 2; a < w.dim(); ++a) centre = centre.select(2, w.size(a) / 2);
      // centre is [out, in]: an identity (or a row of scales) on the channels.
      for (int64_t o = 0; o < centre.size(0); ++o)
        for (int64_t i = 0; i < centre.size(1); ++i)
          if (centre.size(1) == 1 || i == o || centre.size(0) == 1)
            centre[o][i].fill_(scale(p.key() + "#" + std::to_string(i)));
    }
  }
}

}  // namespace

TEST(SegNetworks, OutputLiesOnTheInputGridForOddSizes) {
  torch::manual_seed(0);
  torch::NoGradGuard no_grad;
  struct Case {
    std::string name;
    nlohmann::json params;
    std::vector<int64_t> shape;
  };
  const std::vector<Case> cases = {
      {"dilated_fcn", kDilated, {2, 1, 19, 23}},
      {"dilated_fcn", {{"dilations", {1, 2}}, {"width", 4}, {"norm", "instance"}}, {1, 2, 7, 9, 5}},
      {"dilated_fcn", {{"dilations", {1, 3, 9}}, {"width", 4}, {"kernel", 5}}, {2, 1, 41}},
      {"segnet", kSegNet, {2, 1, 19, 23}},
      {"segnet", {{"depth", 2}, {"width", 4}, {"norm", "group"}}, {1, 2, 7, 9, 5}},
      {"segnet", {{"depth", 3}, {"width", 4}, {"convs", 1}}, {2, 1, 37}},
      {"deepmedic", kDeepMedic, {2, 1, 19, 23}},
      {"deepmedic", {{"channels", {4, 4}}, {"fc", {8}}, {"upsample", "linear"}}, {1, 2, 7, 9, 5}},
      {"deepmedic", {{"channels", {4}}, {"fc", {4}}, {"downsample", "stride"}, {"factor", 4}},
       {2, 1, 37}},
      {"cascaded_cnn", kCascaded, {2, 1, 19, 23}},
      {"cascaded_cnn", {{"local_kernels", {3}}, {"local_pools", {2}}, {"local_width", 4},
                        {"global_kernel", 5}, {"global_width", 4}, {"out_kernel", 3}},
       {1, 2, 7, 9, 5}},
      {"cascaded_cnn", {{"local_width", 4}, {"global_width", 4}}, {2, 1, 37}},  // paper kernels
      {"centre_pixel_cnn", kCentre, {2, 1, 19, 23}},
      {"centre_pixel_cnn", {{"patch_size", 8}, {"kernels", {3}}, {"channels", {4}}, {"hidden", 4},
                            {"norm", "instance"}}, {1, 2, 7, 9, 5}},
      {"centre_pixel_cnn", {{"channels", {4, 4, 4}}, {"hidden", 8}}, {2, 1, 37}},  // paper-like 39
  };
  for (const auto& c : cases) {
    const int64_t dims = int64_t(c.shape.size()) - 2;
    SCOPED_TRACE(c.name + " " + std::to_string(dims) + "-D " + c.params.dump());
    auto n = net(c.name, c.params, dims, c.shape[1], 3);
    n->eval();
    auto x = torch::randn(c.shape);
    auto y = n->forward(x);
    std::vector<int64_t> expect = c.shape;
    expect[1] = 3;
    EXPECT_EQ(y.sizes().vec(), expect);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_TRUE(torch::allclose(n->head(n->features(x)), y, 1e-5, 1e-6));
    EXPECT_EQ(n->min_input_size(), 1);
    // The smallest input works too.
    std::vector<int64_t> tiny(c.shape.size(), 1);
    tiny[1] = c.shape[1];
    EXPECT_EQ(n->forward(torch::randn(tiny)).size(1), 3);
  }
}

TEST(SegNetworks, ParameterCountsOfSmallLayoutsWorkedByHand) {
  // 1 input channel, 2 classes, batch norm (conv without bias, BN 2 per channel).
  // dilated_fcn, dilations [1, 2], width 4, 2-D:
  //   layers.0 conv 1->4 3x3 (36) + bn (8) = 44; layers.1 conv 4->4 (144) + bn (8) = 152;
  //   head 1x1 4->2 (8 + 2 bias) = 10.
  EXPECT_EQ(parameter_count(net("dilated_fcn", {{"dilations", {1, 2}}, {"width", 4}})),
            44 + 152 + 10);
  // The same in 3-D: 3x3x3 kernels: (27 + 8) + (108 + 8)... per layer 1->4: 108 + 8 = 116,
  //   4->4: 432 + 8 = 440; head 10.
  EXPECT_EQ(parameter_count(net("dilated_fcn", {{"dilations", {1, 2}}, {"width", 4}}, 3)),
            116 + 440 + 10);
  // kernel 5, norm none (convs get a bias): 1->4 5x5 (100 + 4) = 104; head 10.
  EXPECT_EQ(parameter_count(net("dilated_fcn", {{"dilations", {3}}, {"width", 4}, {"kernel", 5},
                                      {"norm", "none"}})),
            104 + 10);

  // segnet, depth 2, width 4, convs 1 (channels 4, 8):
  //   encoder.0 1->4 (36 + 8) = 44; encoder.1 4->8 (288 + 16) = 304;
  //   decoder.1 8->4 (288 + 8) = 296 (ends on level 0's width, to unpool with its indices);
  //   decoder.0 4->4 (144 + 8) = 152; head 10.
  EXPECT_EQ(parameter_count(net("segnet", {{"depth", 2}, {"width", 4}, {"convs", 1}})),
            44 + 304 + 296 + 152 + 10);
  // depth 1, width 4, convs 2: encoder.0 1->4 (44) + 4->4 (152); decoder.0 4->4 twice (304);
  //   head 10.
  EXPECT_EQ(parameter_count(net("segnet", {{"depth", 1}, {"width", 4}, {"convs", 2}})),
            44 + 152 + 304 + 10);
  // depth 3, width 4, max_width 6, convs 1 (channels 4, 6, 6):
  //   encoder 44 + (4->6: 216 + 12) + (6->6: 324 + 12) = 44 + 228 + 336;
  //   decoder.2 6->6 336, decoder.1 6->4 (216 + 8) = 224, decoder.0 152; head 10.
  EXPECT_EQ(
      parameter_count(net("segnet", {{"depth", 3}, {"width", 4}, {"max_width", 6}, {"convs", 1}})),
      44 + 228 + 336 + 336 + 224 + 152 + 10);

  // deepmedic, channels [4, 6], fc [8]:
  //   each pathway 1->4 (36 + 8) + 4->6 (216 + 12) = 272, two of them 544;
  //   fc.0 1x1 12->8 (96 + 16) = 112; head 8->2 (16 + 2) = 18.
  EXPECT_EQ(parameter_count(net("deepmedic", {{"channels", {4, 6}}, {"fc", {8}}})), 544 + 112 + 18);

  // cascaded_cnn, local_kernels [3], local_pools [2], local_width 4, global_kernel 5,
  // global_width 2, out_kernel 3:
  //   stage1: local 1->4 3x3 (36 + 8) = 44; global 1->2 5x5 (50 + 4) = 54;
  //           out 6->2 3x3 with bias (108 + 2) = 110;
  //   stage2 (input 1 + 2 class maps = 3 channels): local 3->4 (108 + 8) = 116;
  //           global 3->2 5x5 (150 + 4) = 154; head 6->2 3x3 (108 + 2) = 110.
  EXPECT_EQ(parameter_count(net("cascaded_cnn", {{"local_kernels", {3}}, {"local_pools", {2}},
                                       {"local_width", 4}, {"global_kernel", 5},
                                       {"global_width", 2}, {"out_kernel", 3}})),
            44 + 54 + 110 + 116 + 154 + 110);
}

TEST(SegNet, UnpoolingPutsEachMaximumBackAtItsPosition) {
  // A 1-level SegNet with one 1->1 convolution per level, no normalisation,
  // identity activation, delta kernels and a unit 1x1 head computes exactly
  // unpool(maxpool(x)): zeros except each 2x2 window's maximum, in place.
  // Odd sizes: the input is zero-padded at the far end (positive values, so
  // the padding never wins) and the output cropped back.
  const nlohmann::json p = {{"depth", 1}, {"width", 1}, {"convs", 1}, {"norm", "none"},
                            {"act", "identity"}};
  auto run = [&](int64_t dims, const at::Tensor& x) {
    auto n = net("segnet", p, dims, 1, 1);
    set_delta_weights(*n, [](const std::string&) { return 1.0; });
    n->eval();
    torch::NoGradGuard no_grad;
    return n->forward(x);
  };
  {  // 2-D, 3x5 (padded to 4x6). Windows and their maxima worked by hand:
     // rows 0-1: {1,5,4,3} -> 5 at (0,1); {2,.5,7,1} -> 7 at (1,2); {3,2} -> 3 at (0,4)
     // row 2:    {6,2} -> 6 at (2,0); {8,9} -> 9 at (2,3); {4} -> 4 at (2,4)
    auto x = torch::tensor({1., 5., 2., .5, 3., 4., 3., 7., 1., 2., 6., 2., 8., 9., 4.})
                 .view({1, 1, 3, 5});
    auto want = torch::tensor({0., 5., 0., 0., 3., 0., 0., 7., 0., 0., 6., 0., 0., 9., 4.})
                    .view({1, 1, 3, 5});
    EXPECT_TRUE(torch::equal(run(2, x), want)) << run(2, x);
  }
  {  // 1-D, 7 (padded to 8): pairs (3,1) (4,1) (5,9) (2,-) -> 3@0, 4@2, 9@5, 2@6.
    auto x = torch::tensor({3., 1., 4., 1., 5., 9., 2.}).view({1, 1, 7});
    auto want = torch::tensor({3., 0., 4., 0., 0., 9., 2.}).view({1, 1, 7});
    EXPECT_TRUE(torch::equal(run(1, x), want)) << run(1, x);
  }
  {  // 3-D, 3x2x2 (padded to 4x2x2): slices 0-1 -> 7 at (0,0,1); slice 2 -> .9 at (2,0,1).
    auto x = torch::tensor({2., 7., 1., 3., 5., .5, 4., 6., .2, .9, .4, .1}).view({1, 1, 3, 2, 2});
    auto want = torch::zeros({1, 1, 3, 2, 2});
    want[0][0][0][0][1] = 7.;
    want[0][0][2][0][1] = .9;
    EXPECT_TRUE(torch::equal(run(3, x), want)) << run(3, x);
  }
  // The block's own contract: sizes must divide.
  EXPECT_THROW(max_pool_with_indices(torch::zeros({1, 1, 5, 4})), DataError);
}

TEST(DeepMedic, SubsampledPathwayAveragesAndRepeatsOverEachWindow) {
  // One 1->1 layer per pathway, one 1x1 FC layer 2->1 that takes only the
  // subsampled pathway (weight 0 on the normal one), identity activation, no
  // normalisation, delta kernels, unit head: the output is the subsampled
  // input brought back to the input grid. 1-D, factor 3, length 7:
  //   avg: windows [1,2,3] [4,5,6] [10] -> 2, 5, 10, each repeated over its window;
  //   stride: samples 0, 3, 6 -> 1, 4, 10.
  auto x = torch::tensor({1., 2., 3., 4., 5., 6., 10.}).view({1, 1, 7});
  for (const std::string mode : {"avg", "stride"}) {
    auto n = net("deepmedic", {{"channels", {1}}, {"fc", {1}}, {"norm", "none"},
                               {"act", "identity"}, {"downsample", mode}},
                 1, 1, 1);
    // fc.0's weight is [1, 2, 1]: input channel 0 = normal pathway, 1 = subsampled.
    set_delta_weights(*n, [](const std::string& key) {
      return key == "fc.0.conv.weight#0" ? 0.0 : 1.0;
    });
    n->eval();
    torch::NoGradGuard no_grad;
    auto want = mode == "avg" ? torch::tensor({2., 2., 2., 5., 5., 5., 10.})
                              : torch::tensor({1., 1., 1., 4., 4., 4., 10.});
    EXPECT_TRUE(torch::allclose(n->forward(x).flatten(), want, 1e-6, 1e-6))
        << mode << ": " << n->forward(x);
  }
}

TEST(SegNetworks, BadParamsAreConfigErrorsNamingTheKey) {
  struct Bad {
    std::string name;
    nlohmann::json params;
    std::string key;
  };
  const std::vector<Bad> bad = {
      {"dilated_fcn", {{"dilation", {1, 2}}}, "dilation"},
      {"dilated_fcn", {{"dilations", {1, 0}}}, "dilations"},
      {"dilated_fcn", {{"kernel", 4}}, "kernel"},
      {"segnet", {{"depth", 0}}, "depth"},
      {"segnet", {{"norm", "layer"}}, "norm"},
      {"segnet", {{"upsample", "transpose"}}, "upsample"},
      {"deepmedic", {{"factor", 1}}, "factor"},
      {"deepmedic", {{"downsample", "max"}}, "downsample"},
      {"deepmedic", {{"fc", nlohmann::json::array()}}, "fc"},
      {"cascaded_cnn", {{"local_pools", {2}}}, "local_pools"},
      {"cascaded_cnn", {{"global_kernel", 12}}, "global_kernel"},
      {"cascaded_cnn", {{"out_kernel", "big"}}, "out_kernel"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.name + " " + b.params.dump());
    const std::string msg = mt::expect_error<ConfigError>([&] { net(b.name, b.params); });
    EXPECT_TRUE(mt::has(msg, "network." + b.name + "." + b.key)) << msg;
  }
}

TEST(SegNetworks, BuiltByNameFromAConfigTable) {
  // [network] name = "...", family keys beside the common ones, as a TOML config gives them.
  torch::NoGradGuard no_grad;
  for (const auto& [name, params] : {std::make_pair("dilated_fcn", kDilated),
                                     std::make_pair("segnet", kSegNet),
                                     std::make_pair("deepmedic", kDeepMedic),
                                     std::make_pair("cascaded_cnn", kCascaded),
                                     std::make_pair("centre_pixel_cnn", kCentre)}) {
    nlohmann::json table = params;
    table["name"] = name;
    table["in_channels"] = 2;
    table["num_classes"] = 4;
    table["spatial_dims"] = 2;
    NetworkPtr n = make_network(network_spec_from_json(table));
    n->eval();
    EXPECT_EQ(n->forward(torch::randn({1, 2, 11, 14})).sizes().vec(),
              (std::vector<int64_t>{1, 4, 11, 14}))
        << name;
  }
}

TEST(SegNetworks, NamedLayersAndNewHead) {
  torch::manual_seed(2);
  const std::vector<std::pair<std::string, nlohmann::json>> nets = {
      {"dilated_fcn", kDilated}, {"segnet", kSegNet}, {"deepmedic", kDeepMedic},
      {"cascaded_cnn", kCascaded}, {"centre_pixel_cnn", kCentre}};
  auto x = torch::randn({1, 1, 13, 10});
  for (const auto& [name, params] : nets) {
    SCOPED_TRACE(name);
    auto n = net(name, params);
    n->eval();
    torch::NoGradGuard no_grad;
    const at::Tensor plain = n->forward(x);
    const auto names = n->layer_names();
    EXPECT_GE(names.size(), 3u);
    EXPECT_EQ(names.back(), "features");
    // Every named layer is reached, and zeroing it changes the output.
    for (const auto& layer : names) {
      bool seen = false;
      auto y = n->forward_tapped(x, layer, [&](const at::Tensor& a) {
        seen = true;
        return torch::zeros_like(a);
      });
      EXPECT_TRUE(seen) << layer;
      EXPECT_FALSE(torch::allclose(y, plain)) << layer;
    }
    std::map<std::string, at::Tensor> before;
    for (const auto& p : n->named_parameters()) before[p.key()] = p.value().clone();
    n->reset_head(4);
    EXPECT_EQ(n->forward(x).sizes().vec(), (std::vector<int64_t>{1, 4, 13, 10}));
    for (const auto& p : n->named_parameters())
      if (p.key().rfind("head.", 0) != 0)
        EXPECT_TRUE(torch::equal(before.at(p.key()), p.value())) << p.key();
  }
}

// Overfits phantom discs with Adam (lr 0.01) and returns the foreground Dice
// on 16 new phantoms.
double train_on_discs(const std::string& name, const nlohmann::json& params, int steps) {
  torch::manual_seed(3);
  auto n = net(name, params);
  torch::optim::Adam opt(n->parameters(), torch::optim::AdamOptions(0.01));
  for (int step = 0; step < steps; ++step) {
    auto [x, m] = mt::phantom_discs(8);
    n->train();
    auto loss = torch::nll_loss2d(torch::log_softmax(n->forward(x), 1), m);
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  n->eval();
  torch::NoGradGuard no_grad;
  auto [x, m] = mt::phantom_discs(16);
  const double dice = mt::foreground_dice(n->forward(x).argmax(1), m);
  std::cout << name << ": Dice " << dice << " after " << steps << " steps\n";
  return dice;
}

TEST(DilatedFcn, LearnsToSegmentAPhantomDisc) {
  EXPECT_GT(train_on_discs("dilated_fcn", kDilated, 80), 0.8);
}
TEST(SegNet, LearnsToSegmentAPhantomDisc) {
  EXPECT_GT(train_on_discs("segnet", kSegNet, 120), 0.8);
}
TEST(DeepMedic, LearnsToSegmentAPhantomDisc) {
  EXPECT_GT(train_on_discs("deepmedic", kDeepMedic, 80), 0.8);
}
TEST(CascadedCnn, LearnsToSegmentAPhantomDisc) {
  EXPECT_GT(train_on_discs("cascaded_cnn", kCascaded, 80), 0.8);
}
TEST(CentrePixelCnn, LearnsToSegmentAPhantomDisc) {
  EXPECT_GT(train_on_discs("centre_pixel_cnn", kCentre, 80), 0.8);
}

namespace {

// The patch classifier the dense pass must equal, written with torch's
// functional ops from the network's own weights: on the patch of 15 pixels
// per axis centred on a pixel (of the mirrored input), valid convolution,
// ReLU, 2x max pool (stride 2) per level, the fully connected layer as a
// convolution over the 2 pixels left, ReLU, and the 1x1 head.
at::Tensor classify_patch(Network& n, const at::Tensor& patch) {
  std::map<std::string, at::Tensor> w;
  for (const auto& p : n.named_parameters()) w[p.key()] = p.value();
  const int64_t d = patch.dim() - 2;
  auto conv = [&](const at::Tensor& x, const std::string& name) {
    const at::Tensor k = w.at(name + ".weight"), b = w.at(name + ".bias");
    return d == 2 ? torch::conv2d(x, k, b) : torch::conv3d(x, k, b);
  };
  auto pool = [&](const at::Tensor& x) {
    return d == 2 ? torch::max_pool2d(x, {2, 2}) : torch::max_pool3d(x, {2, 2, 2});
  };
  at::Tensor x = pool(torch::relu(conv(patch, "levels.0.conv")));
  x = pool(torch::relu(conv(x, "levels.1.conv")));
  x = torch::relu(conv(x, "fc.conv"));
  return conv(x, "head");  // [1, K, 1, ...]
}

}  // namespace

TEST(CentrePixelCnn, DensePassEqualsThePatchClassifierAtEveryPixel) {
  torch::manual_seed(6);
  torch::NoGradGuard no_grad;
  nlohmann::json params = kCentre;
  params["norm"] = "none";
  using torch::indexing::Slice;
  for (int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "-D");
    auto n = net("centre_pixel_cnn", params, dims, 1, 3);
    n->eval();
    std::vector<int64_t> shape = dims == 2 ? std::vector<int64_t>{1, 1, 18, 21}
                                           : std::vector<int64_t>{1, 1, 9, 10, 11};
    at::Tensor x = torch::randn(shape);
    at::Tensor dense = n->forward(x);
    // Mirror 7 pixels on each side (patch 15: centre index 7).
    std::vector<int64_t> pad(2 * dims, 7);
    at::Tensor m = torch::nn::functional::pad(
        x, torch::nn::functional::PadFuncOptions(pad).mode(torch::kReflect));
    const std::vector<std::vector<int64_t>> points =
        dims == 2 ? std::vector<std::vector<int64_t>>{{0, 0}, {17, 20}, {5, 11}, {12, 3}}
                  : std::vector<std::vector<int64_t>>{{0, 0, 0}, {8, 9, 10}, {4, 2, 7}};
    for (const auto& pt : points) {
      std::vector<at::indexing::TensorIndex> window{Slice(), Slice()}, at_pixel{Slice(), Slice()};
      for (int64_t a = 0; a < dims; ++a) {
        window.push_back(Slice(pt[a], pt[a] + 15));
        at_pixel.push_back(pt[a]);
      }
      at::Tensor expected = classify_patch(*n, m.index(window)).flatten();
      at::Tensor got = dense.index(at_pixel).flatten();
      EXPECT_LT((got - expected).abs().max().item<double>(), 1e-4) << nlohmann::json(pt).dump();
    }
  }
}

TEST(CentrePixelCnn, PatchSizesThatDoNotTileNameTheOnesThatDo) {
  const std::string msg = mt::expect_error<ConfigError>(
      [] { net("centre_pixel_cnn", {{"patch_size", 16}, {"kernels", {4, 3}}, {"channels", {8, 8}}}); });
  EXPECT_TRUE(mt::has(msg, "patch_size")) << msg;
  EXPECT_TRUE(mt::has(msg, "15")) << msg;  // 15 - 3 = 12 -> 6, 6 - 2 = 4 -> 2
  EXPECT_FALSE(mt::has(msg, "16,")) << msg;
  const std::string channels = mt::expect_error<ConfigError>(
      [] { net("centre_pixel_cnn", {{"patch_size", 15}, {"kernels", {4, 3}}}); });
  EXPECT_TRUE(mt::has(channels, "centre_pixel_cnn.channels")) << channels;
}
