// ResNet-18 forward (eval mode) against an independent pure-PyTorch
// reference (tests/oracles/nn_resnet_reference.py, no torchvision) loaded
// with the same weights: 2-D with the ImageNet stem at full width, 2-D with
// the small stem, 1-D and 3-D. Batch-norm statistics and affine parameters
// are randomised first so the normalisation is exercised.
#include <torch/torch.h>

#include <fstream>

#include "medcnn/io/npz.h"
#include "medcnn/nn/network.h"
#include "test_support.h"

using namespace medcnn;

namespace {

struct OracleCase {
  int64_t dims, in, classes, width;
  std::string stem;
  std::vector<int64_t> input_shape;
};

TEST(ResNetOracle, LogitsMatchPyTorchReference) {
  const std::vector<OracleCase> cases = {
      {2, 3, 10, 64, "imagenet", {2, 3, 64, 64}},
      {2, 1, 4, 16, "small", {2, 1, 28, 28}},
      {1, 2, 3, 8, "imagenet", {2, 2, 200}},
      {3, 1, 2, 8, "imagenet", {1, 1, 20, 18, 22}},
  };
  test::TempDir dir;
  std::vector<std::string> args;
  std::vector<at::Tensor> logits;
  std::vector<int64_t> counts;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    NetworkSpec s;
    s.name = "resnet18";
    s.in_channels = c.in;
    s.num_classes = c.classes;
    s.spatial_dims = c.dims;
    s.params = {{"width", c.width}, {"stem", c.stem}};
    torch::manual_seed(100 + i);
    NetworkPtr net = make_network(s);
    {
      torch::NoGradGuard no_grad;
      for (auto& p : net->named_parameters())
        if (p.value().dim() == 1) p.value().uniform_(0.5, 1.5);
      for (auto& b : net->named_buffers()) {
        if (b.key().find("running_mean") != std::string::npos) b.value().uniform_(-0.5, 0.5);
        if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 1.5);
      }
    }
    net->eval();
    at::Tensor x = torch::randn(c.input_shape);
    {
      torch::NoGradGuard no_grad;
      logits.push_back(net->forward(x).to(torch::kFloat64));
    }
    int64_t n = 0;
    for (const auto& p : net->parameters()) n += p.numel();
    counts.push_back(n);

    std::map<std::string, at::Tensor> state;
    for (const auto& p : net->named_parameters()) state[p.key()] = p.value().detach();
    for (const auto& b : net->named_buffers()) state[b.key()] = b.value();
    const std::string cdir = dir.file("case" + std::to_string(i));
    test::write_text(cdir + "/meta.json",  // creates the folder
                     nlohmann::json{{"dims", c.dims}, {"stem", c.stem}, {"width", c.width}}.dump());
    write_npz(cdir + "/weights.npz", state);
    write_npz(cdir + "/input.npz", {{"x", x}});
    args.push_back(cdir);
  }
  const nlohmann::json out = test::run_oracle("nn_resnet_reference.py", args);
  ASSERT_TRUE(out.is_object());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i) + ": " + std::to_string(cases[i].dims) + "-D, " +
                 cases[i].stem + " stem");
    const auto& ref = out.at(args[i]);
    EXPECT_EQ(ref.at("params").get<int64_t>(), counts[i]);
    const auto rows = ref.at("logits");
    ASSERT_EQ(static_cast<int64_t>(rows.size()), logits[i].size(0));
    double max_err = 0.0;
    for (int64_t b = 0; b < logits[i].size(0); ++b) {
      ASSERT_EQ(static_cast<int64_t>(rows[b].size()), cases[i].classes);
      for (int64_t k = 0; k < cases[i].classes; ++k) {
        const double expect = rows[b][k].get<double>();
        const double got = logits[i][b][k].item<double>();
        max_err = std::max(max_err, std::abs(got - expect) / std::max(1.0, std::abs(expect)));
      }
    }
    EXPECT_LT(max_err, 1e-4);
  }
}

}  // namespace
