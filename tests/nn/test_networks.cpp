// Every registered network: builds for each supported spatial_dims, gives
// [B, num_classes] for a couple of input sizes, forward == head(features),
// gradients reach every parameter and are finite, the smallest input works
// and one less is a DataError, reset_head changes the class count.
// Small widths keep it fast; the full-size layouts are checked by the
// parameter-count and PyTorch oracles.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/network.h"
#include "test_support.h"

using namespace medcnn;

namespace {

struct NetCase {
  std::string name;
  nlohmann::json params;
  int64_t in_channels = 1;
  std::map<int64_t, std::vector<int64_t>> sizes;  // spatial_dims -> input extents
};

const std::vector<NetCase>& cases() {
  using J = nlohmann::json;
  static const std::vector<NetCase> c = {
      {"lenet5", J::object(), 1, {{1, {256, 300}}, {2, {28, 32}}, {3, {28}}}},
      {"alexnet", {{"width", 0.125}, {"fc_width", 32}}, 3, {{1, {256, 300}}, {2, {64, 80}}, {3, {64}}}},
      {"zfnet", {{"width", 0.125}, {"fc_width", 32}, {"lrn", true}}, 3,
       {{1, {256, 300}}, {2, {64, 80}}, {3, {56}}}},
      {"vgg11", {{"width", 8}, {"fc_width", 32}, {"batch_norm", true}}, 1,
       {{1, {256, 300}}, {2, {32, 48}}, {3, {32}}}},
      {"vgg16", {{"width", 8}, {"fc_width", 32}}, 3, {{1, {256}}, {2, {32, 40}}, {3, {32}}}},
      {"googlenet", {{"width", 0.125}}, 3, {{1, {256, 300}}, {2, {32, 45}}, {3, {16}}}},
      {"resnet18", {{"width", 8}}, 3, {{1, {256, 300}}, {2, {32, 45}}, {3, {16}}}},
      {"resnet34", {{"width", 8}, {"stem", "small"}}, 1, {{1, {64}}, {2, {28, 31}}, {3, {12}}}},
      {"resnet50", {{"width", 4}, {"dropout", 0.2}}, 2, {{1, {256}}, {2, {32, 45}}, {3, {16}}}},
      {"densenet121", {{"growth_rate", 4}, {"init_features", 8}, {"bn_size", 2}}, 1,
       {{1, {256}}, {2, {32, 45}}, {3, {32}}}},
      {"xception", {{"width", 0.0625}, {"middle_blocks", 1}}, 3,
       {{1, {256}}, {2, {32, 45}}, {3, {16}}}},
      {"lung_cnn_2x2", {{"k", 1}}, 1, {{1, {64}}, {2, {32, 17}}, {3, {16}}}},
      {"pdcovidnet", {{"width", 4}}, 1, {{1, {256}}, {2, {32, 45}}, {3, {16}}}},
      {"cvr_net", {{"width", 4}}, 1, {{1, {256}}, {2, {32, 45}}, {3, {16}}}},
      {"cvr_net", {{"width", 4}, {"fusion", "concat"}, {"encoders", 2}, {"stages", 3}}, 3,
       {{2, {32, 45}}}},
      {"two_path", {{"width", 4}}, 2, {{1, {256}}, {2, {32, 45}}, {3, {16}}}},
      {"ecg_cnn_1d", {{"width", 8}}, 12, {{1, {500, 1000}}}},
  };
  return c;
}

NetworkSpec spec_of(const NetCase& c, int64_t dims, int64_t classes = 3) {
  NetworkSpec s;
  s.name = c.name;
  s.in_channels = c.in_channels;
  s.num_classes = classes;
  s.spatial_dims = dims;
  s.params = c.params;
  return s;
}

at::Tensor input(int64_t batch, int64_t channels, int64_t dims, int64_t extent) {
  std::vector<int64_t> shape{batch, channels};
  for (int64_t i = 0; i < dims; ++i) shape.push_back(extent);
  return torch::randn(shape);
}

class EveryNetwork : public ::testing::TestWithParam<size_t> {};

void check_shapes_split_and_min_size(const NetCase& c) {
  torch::manual_seed(0);
  for (const auto& [dims, sizes] : c.sizes) {
    SCOPED_TRACE(c.name + " spatial_dims " + std::to_string(dims) + " params " + c.params.dump());
    NetworkPtr net = make_network(spec_of(c, dims));
    ASSERT_TRUE(net);
    EXPECT_EQ(net->spec().num_classes, 3);
    torch::NoGradGuard no_grad;
    net->eval();
    for (int64_t n : sizes) {
      at::Tensor x = input(2, c.in_channels, dims, n);
      at::Tensor y = net->forward(x);
      ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 3})) << "input extent " << n;
      EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
      at::Tensor f = net->features(x);
      EXPECT_EQ(f.dim(), dims + 2) << "features() must be a feature map";
      EXPECT_TRUE(torch::allclose(net->head(f), y, 1e-5, 1e-6));
    }
    // The smallest input works; one less is a DataError naming the size.
    const int64_t m = net->min_input_size();
    EXPECT_EQ(net->forward(input(1, c.in_channels, dims, m)).size(1), 3) << "min size " << m;
    if (m > 1) {
      try {
        net->forward(input(1, c.in_channels, dims, m - 1));
        ADD_FAILURE() << "no DataError below the minimum size " << m;
      } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(m)), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(c.name), std::string::npos) << e.what();
      }
    }
    // Wrong channel count and wrong rank are DataErrors too.
    EXPECT_THROW(net->forward(input(1, c.in_channels + 2, dims, sizes[0])), DataError);
    EXPECT_THROW(net->forward(torch::randn({1, c.in_channels})), DataError);
  }
}

void check_gradients(const NetCase& c) {
  torch::manual_seed(1);
  for (const auto& [dims, sizes] : c.sizes) {
    SCOPED_TRACE(c.name + " spatial_dims " + std::to_string(dims));
    NetworkPtr net = make_network(spec_of(c, dims));
    net->train();
    at::Tensor x = input(2, c.in_channels, dims, sizes[0]);
    at::Tensor loss = torch::cross_entropy_loss(net->forward(x), torch::tensor({0, 2}));
    loss.backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
    }
  }
}

void check_reset_head(const NetCase& c) {
  torch::manual_seed(2);
  const auto& [dims, sizes] = *c.sizes.begin();
  NetworkPtr net = make_network(spec_of(c, dims));
  net->to(torch::kFloat64);
  net->eval();
  std::map<std::string, at::Tensor> before;
  for (const auto& p : net->named_parameters()) before[p.key()] = p.value().clone();
  size_t head_params = 0;
  for (const auto& p : net->named_parameters())
    if (p.key().rfind(net->head_prefix() + ".", 0) == 0) ++head_params;
  EXPECT_GT(head_params, 0u) << "the classifier must live under '" << net->head_prefix() << "'";

  net->reset_head(5);
  EXPECT_EQ(net->spec().num_classes, 5);
  at::Tensor x = input(2, c.in_channels, dims, sizes[0]).to(torch::kFloat64);
  torch::NoGradGuard no_grad;
  at::Tensor y = net->forward(x);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 5}));
  for (const auto& p : net->named_parameters()) {
    EXPECT_EQ(p.value().scalar_type(), torch::kFloat64) << p.key();
    if (p.key().rfind(net->head_prefix() + ".", 0) == 0) continue;
    ASSERT_TRUE(before.count(p.key())) << p.key();
    EXPECT_TRUE(torch::equal(before[p.key()], p.value())) << p.key() << " changed";
  }
  // The new head is in eval mode like the rest of the network.
  for (const auto& m : net->modules()) EXPECT_FALSE(m->is_training());
}

// One CTest case per network (each test program start costs ~0.4 s).
TEST_P(EveryNetwork, ShapesSplitMinSizeGradientsAndNewHead) {
  const NetCase& c = cases()[GetParam()];
  {
    SCOPED_TRACE("shapes, features/head split, minimum size");
    check_shapes_split_and_min_size(c);
  }
  {
    SCOPED_TRACE("gradients");
    check_gradients(c);
  }
  {
    SCOPED_TRACE("reset_head");
    check_reset_head(c);
  }
}

std::string case_name(const ::testing::TestParamInfo<size_t>& info) {
  return cases()[info.param].name + "_" + std::to_string(info.param);
}

INSTANTIATE_TEST_SUITE_P(Zoo, EveryNetwork, ::testing::Range<size_t>(0, cases().size()),
                         case_name);

TEST(NetworkZoo, TheClassificationZooIsRegisteredAndTested) {
  std::set<std::string> tested;
  for (const auto& c : cases()) tested.insert(c.name);
  for (const char* name : {"lenet5", "alexnet", "zfnet", "vgg11", "vgg16", "googlenet",
                           "resnet18", "resnet34", "resnet50", "densenet121", "xception",
                           "lung_cnn_2x2", "pdcovidnet", "cvr_net", "two_path", "ecg_cnn_1d"}) {
    EXPECT_TRUE(NetworkRegistry::instance().contains(name)) << name;
    EXPECT_TRUE(tested.count(name)) << name << " has no case here";
  }
}

TEST(NetworkZoo, ForwardIsReproducibleFromTheSeed) {
  NetworkSpec s;
  s.name = "resnet18";
  s.params = {{"width", 4}};
  torch::manual_seed(7);
  auto a = make_network(s);
  torch::manual_seed(7);
  auto b = make_network(s);
  a->eval();
  b->eval();
  at::Tensor x = torch::randn({1, 1, 32, 32});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

}  // namespace

namespace {

// Smallest inputs worked by hand from the layer arithmetic, e.g. AlexNet:
// the last 3x3/2 pool needs 3 -> the second pool's input >= 7 -> the first
// pool's input >= 15 -> conv1 (11x11/4, pad 2) input >= 63.
TEST(NetworkZoo, MinimumInputSizesByHand) {
  auto min_of = [](const std::string& name, nlohmann::json params = nlohmann::json::object(),
                   int64_t in = 1, int64_t dims = 2) {
    NetworkSpec s;
    s.name = name;
    s.in_channels = in;
    s.spatial_dims = dims;
    s.params = std::move(params);
    return NetworkRegistry::instance().make(s)->min_input_size();
  };
  const nlohmann::json thin = {{"width", 0.125}, {"fc_width", 8}};
  EXPECT_EQ(min_of("lenet5"), 28);
  EXPECT_EQ(min_of("lenet5", {{"padding", 0}}), 32);
  EXPECT_EQ(min_of("alexnet", thin), 63);
  EXPECT_EQ(min_of("zfnet", thin), 53);
  EXPECT_EQ(min_of("vgg11", {{"width", 8}, {"fc_width", 8}}), 32);
  EXPECT_EQ(min_of("googlenet", {{"width", 0.125}}), 15);
  EXPECT_EQ(min_of("resnet18", {{"width", 4}}), 1);
  EXPECT_EQ(min_of("densenet121", {{"growth_rate", 2}, {"init_features", 4}}), 29);
  EXPECT_EQ(min_of("densenet121", {{"growth_rate", 2}, {"init_features", 4}, {"stem", "small"}}),
            8);
  EXPECT_EQ(min_of("xception", {{"width", 0.0625}}), 1);
  EXPECT_EQ(min_of("lung_cnn_2x2", {{"k", 1}}), 6);
  EXPECT_EQ(min_of("pdcovidnet", {{"width", 2}}), 8);
  EXPECT_EQ(min_of("cvr_net", {{"width", 2}}), 8);
  EXPECT_EQ(min_of("two_path", {{"width", 2}, {"stages", 3}}, 2), 4);
  EXPECT_EQ(min_of("ecg_cnn_1d", {{"width", 2}}, 1, 1), 4);
}

}  // namespace
