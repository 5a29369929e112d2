// Explanations: Grad-CAM, Grad-CAM++, CAM and occlusion against PyTorch
// (tests/oracles/explain_torch.py: hooks and autograd on the pure-PyTorch
// ResNet-18 loaded with the same weights), named layers over the whole
// network zoo, and a trained phantom classifier whose maps must fall on the
// lesion that decides its label.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/data/phantom.h"
#include "medcnn/explain/explainer.h"
#include "medcnn/io/npz.h"
#include "medcnn/nn/network.h"
#include "network_zoo.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

NetworkPtr resnet(int64_t dims, int64_t width, const std::string& stem, int64_t classes,
                  uint64_t seed) {
  NetworkSpec s;
  s.name = "resnet18";
  s.num_classes = classes;
  s.spatial_dims = dims;
  s.params = {{"width", width}, {"stem", stem}};
  torch::manual_seed(seed);
  NetworkPtr net = make_network(s);
  torch::NoGradGuard no_grad;  // batch-norm statistics away from identity
  for (auto& b : net->named_buffers()) {
    if (b.key().find("running_mean") != std::string::npos) b.value().uniform_(-0.2, 0.2);
    if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 1.5);
  }
  net->eval();
  return net;
}

void expect_close(const at::Tensor& got, const nlohmann::json& want, double tol,
                  const std::string& what) {
  at::Tensor g = got.flatten().to(torch::kDouble);
  ASSERT_EQ(g.numel(), int64_t(want.size())) << what;
  double err = 0;
  for (int64_t i = 0; i < g.numel(); ++i)
    err = std::max(err, std::abs(g[i].item<double>() - want[i].get<double>()));
  EXPECT_LT(err, tol) << what;
}

struct OracleCase {
  int64_t dims, width;
  std::string stem;
  std::vector<int64_t> shape;
  std::vector<std::string> layers;
};

TEST(ExplainOracle, ResNetMapsMatchPyTorch) {
  const std::vector<OracleCase> cases = {
      {2, 8, "small", {1, 1, 24, 20}, {"layer2", "layer3", "features"}},
      {3, 4, "small", {1, 1, 12, 10, 14}, {"layer2", "features"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(std::to_string(c.dims) + "-D");
    NetworkPtr net = resnet(c.dims, c.width, c.stem, 3, 7 + i);
    at::Tensor x = torch::randn(c.shape);
    mt::TempDir dir;
    std::map<std::string, at::Tensor> state;
    for (const auto& p : net->named_parameters()) state[p.key()] = p.value().detach();
    for (const auto& b : net->named_buffers()) state[b.key()] = b.value();
    const int64_t cls = 2;
    mt::write_text(dir.file("meta.json"),
                   nlohmann::json{{"dims", c.dims}, {"stem", c.stem}, {"width", c.width},
                                  {"class", cls}, {"layers", c.layers}, {"patch", 5},
                                  {"stride", 3}, {"baseline", 0.25}}
                       .dump());
    write_npz(dir.file("weights.npz"), state);
    write_npz(dir.file("input.npz"), {{"x", x}});
    const nlohmann::json ref = mt::run_oracle("explain_torch.py", {dir.path()});
    ExplainTarget target;
    target.class_index = cls;
    for (const auto& layer : c.layers) {
      ExplainOptions o;
      o.layer = layer;
      for (const std::string method : {"gradcam", "gradcam++", "layercam"}) {
        Explanation e = make_explainer(method, o)->explain(*net, x, target);
        EXPECT_EQ(e.class_index, cls);
        EXPECT_EQ(std::vector<int64_t>(e.map.sizes().begin(), e.map.sizes().end()),
                  std::vector<int64_t>(c.shape.begin() + 2, c.shape.end()));
        expect_close(e.map, ref.at(method).at(layer), 2e-4, method + " at " + layer);
      }
    }
    expect_close(make_explainer("cam")->explain(*net, x, target).map, ref.at("cam"), 2e-4, "cam");
    ExplainOptions oo;
    oo.patch = 5;
    oo.stride = 3;
    oo.baseline = 0.25;
    oo.batch = 7;
    expect_close(make_explainer("occlusion", oo)->explain(*net, x, target).map,
                 ref.at("occlusion"), 1e-5, "occlusion");
  }
}

TEST(ExplainLayers, EveryZooNetworkNamesItsLayersAndExplainsAtEach) {
  auto cases = mt::zoo();
  cases.push_back({"unet", {{"depth", 3}, {"width", 4}}, 1, 2, {20, 24}});
  cases.push_back({"attention_unet", {{"depth", 2}, {"width", 4}}, 1, 3, {12, 12}});
  cases.push_back({"dilated_fcn", {{"dilations", {1, 2}}, {"width", 4}}, 1, 2, {13, 13}});
  cases.push_back({"segnet", {{"depth", 2}, {"width", 4}}, 1, 2, {13, 13}});
  cases.push_back({"deepmedic", {{"channels", {4, 4}}, {"fc", {8}}}, 1, 2, {13, 13}});
  cases.push_back(
      {"cascaded_cnn", {{"local_width", 4}, {"global_width", 4}, {"out_kernel", 5}}, 1, 2, {13, 13}});
  cases.push_back({"centre_pixel_cnn",
                   {{"patch_size", 15}, {"kernels", {4, 3}}, {"channels", {4, 4}}, {"hidden", 8}}, 1, 2,
                   {13, 13}});
  size_t explained = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + " " + std::to_string(c.dims) + "-D");
    NetworkSpec s;
    s.name = c.name;
    s.in_channels = c.in_channels;
    s.num_classes = 3;
    s.spatial_dims = c.dims;
    s.params = c.params;
    torch::manual_seed(3);
    NetworkPtr net = make_network(s);
    net->eval();
    std::vector<int64_t> shape{1, c.in_channels};
    for (int64_t a = 0; a < c.dims; ++a) shape.push_back(c.sizes[0]);
    at::Tensor x = torch::randn(shape);
    const auto names = net->layer_names();
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names.back(), "features");
    at::Tensor plain;
    {
      torch::NoGradGuard ng;
      plain = net->forward(x);
    }
    for (const auto& layer : names) {
      SCOPED_TRACE(layer);
      bool seen = false;
      at::Tensor y;
      {
        torch::NoGradGuard ng;
        y = net->forward_tapped(x, layer, [&](const at::Tensor& a) {
          seen = true;
          return a;
        });
      }
      EXPECT_TRUE(seen);
      EXPECT_TRUE(torch::allclose(y, plain, 1e-5, 1e-5));
      ExplainOptions o;
      o.layer = layer;
      Explanation e = make_explainer("gradcam", o)->explain(*net, x);
      EXPECT_EQ(std::vector<int64_t>(e.map.sizes().begin(), e.map.sizes().end()),
                std::vector<int64_t>(shape.begin() + 2, shape.end()));
      EXPECT_TRUE(torch::isfinite(e.map).all().item<bool>());
      EXPECT_GE(e.map.min().item<double>(), 0.0);
      EXPECT_LE(e.map.max().item<double>(), 1.0 + 1e-6);
      ++explained;
    }
    const std::string msg =
        mt::expect_error<ConfigError>([&] { net->forward_tapped(x, "no_such_layer", [](const at::Tensor& a) { return a; }); });
    EXPECT_TRUE(mt::has(msg, "no_such_layer")) << msg;
    EXPECT_TRUE(mt::has(msg, "valid layers: " + names.front())) << msg;
  }
  std::cout << cases.size() << " networks, " << explained << " layers explained\n";
  EXPECT_GT(explained, 3 * cases.size());
}

TEST(ExplainLayers, CamNeedsAnAveragePoolingHeadAndMethodsAreNamed) {
  NetworkPtr net = resnet(2, 8, "small", 2, 1);
  at::Tensor x = torch::randn({1, 1, 16, 16});
  EXPECT_NO_THROW(make_explainer("cam")->explain(*net, x));
  NetworkSpec s;
  s.name = "vgg11";
  s.params = {{"width", 8}, {"fc_width", 32}};
  s.num_classes = 2;
  NetworkPtr vgg = make_network(s);
  const std::string msg = mt::expect_error<ConfigError>(
      [&] { make_explainer("cam")->explain(*vgg, torch::randn({1, 1, 64, 64})); });
  EXPECT_TRUE(mt::has(msg, "use gradcam")) << msg;
  const std::string m2 = mt::expect_error<ConfigError>([&] { make_explainer("lime"); });
  EXPECT_TRUE(mt::has(m2, "gradcam++")) << m2;
  ExplainTarget t;
  t.class_index = 5;
  const std::string m3 = mt::expect_error<ConfigError>([&] { make_explainer("gradcam")->explain(*net, x, t); });
  EXPECT_TRUE(mt::has(m3, "out of range")) << m3;
}

// Phantoms whose label is "the lesion is visible": a positive image holds a
// lesion, its negative twin the same anatomy with the lesion at zero
// contrast. A trained classifier's map must put its mass on the lesion.
TEST(ExplainPhantom, MapsFallOnTheLesionThatDecidesTheLabel) {
  torch::manual_seed(0);
  PhantomOptions po;
  po.size = 40;
  po.min_radius = 4;
  po.max_radius = 6;
  po.contrast = 0.6;
  PhantomOptions hidden = po;
  hidden.contrast = 0.0;
  std::vector<at::Tensor> xs, masks;
  std::vector<int64_t> ys;
  const int n = 160;
  for (int i = 0; i < n; ++i) {
    const bool positive = i % 2 == 0;
    Sample s = generate_phantom(positive ? po : hidden, 1000 + i);
    xs.push_back(s.image.data.to(torch::kFloat));
    masks.push_back(s.mask->data[0].gt(0));
    ys.push_back(positive ? 1 : 0);
  }
  at::Tensor X = torch::stack(xs), Y = torch::tensor(ys);
  NetworkPtr net = resnet(2, 8, "small", 2, 11);
  net->train();
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(3e-3));
  const int train_n = 120;
  for (int epoch = 0; epoch < 12; ++epoch) {
    at::Tensor perm = torch::randperm(train_n);
    for (int b = 0; b < train_n; b += 20) {
      at::Tensor idx = perm.slice(0, b, b + 20);
      opt.zero_grad();
      at::Tensor loss = torch::cross_entropy_loss(net->forward(X.index_select(0, idx)),
                                                  Y.index_select(0, idx));
      loss.backward();
      opt.step();
    }
  }
  net->eval();
  int correct = 0;
  // Per method: the share of the map's mass on the lesion (dilated by 2
  // pixels, the maps' blur) over that region's share of the image (chance),
  // and the pointing game: does the map's maximum lie on the lesion?
  std::map<std::string, std::vector<double>> ratio;
  std::map<std::string, int> hits;
  int positives = 0;
  double mean_chance = 0;
  const std::vector<std::pair<std::string, ExplainOptions>> methods = [] {
    ExplainOptions layer3, occ;
    layer3.layer = "layer3";
    occ.patch = 12;
    occ.stride = 2;
    return std::vector<std::pair<std::string, ExplainOptions>>{
        {"gradcam", {}}, {"gradcam++", {}}, {"gradcam", layer3}, {"occlusion", occ}};
  }();
  for (int i = train_n; i < n; ++i) {
    at::Tensor x = X[i].unsqueeze(0);
    {
      torch::NoGradGuard ng;
      correct += net->forward(x).argmax(1).item<int64_t>() == ys[i];
    }
    if (ys[i] != 1) continue;
    ++positives;
    ExplainTarget t;
    t.class_index = 1;
    at::Tensor lesion = torch::max_pool2d(masks[i].to(torch::kFloat).unsqueeze(0), 5, 1, 2)[0].gt(0);
    const double chance = lesion.to(torch::kDouble).mean().item<double>();
    mean_chance += chance;
    for (const auto& [m, o] : methods) {
      const std::string key = m + "@" + (m == "occlusion" ? "input" : o.layer);
      at::Tensor map = make_explainer(m, o)->explain(*net, x, t).map.clamp_min(0);
      const double inside =
          (map * lesion).sum().item<double>() / std::max(1e-12, map.sum().item<double>());
      ratio[key].push_back(inside / chance);
      hits[key] += lesion.flatten()[map.argmax().item<int64_t>()].item<bool>();
    }
  }
  const double accuracy = double(correct) / (n - train_n);
  ASSERT_GE(accuracy, 0.9) << "the classifier did not learn the phantoms";
  std::cout << "lesion share of the image (chance): " << mean_chance / positives << "\n";
  for (const auto& [m, r] : ratio) {
    std::vector<double> v = r;
    std::sort(v.begin(), v.end());
    const double median = v[v.size() / 2];
    const double pointing = double(hits[m]) / positives;
    std::cout << m << ": median mass on the lesion " << median << " x chance, pointing game "
              << pointing << "\n";
    // Chance: the dilated lesion covers about a tenth of the image.
    EXPECT_GT(median, 2.0) << m;
    EXPECT_GE(pointing, 0.8) << m;
  }
}

}  // namespace
