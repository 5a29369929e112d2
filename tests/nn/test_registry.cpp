// The network registry and specs: names, JSON round trip, and the
// ConfigErrors for unknown names, unknown or ill-typed params, bad dims.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/network.h"
#include "test_support.h"

using namespace medcnn;

namespace {

NetworkSpec spec(const std::string& name, nlohmann::json params = nlohmann::json::object(),
                 int64_t dims = 2, int64_t in = 1) {
  NetworkSpec s;
  s.name = name;
  s.params = std::move(params);
  s.spatial_dims = dims;
  s.in_channels = in;
  return s;
}

// The ConfigError message of make_network(s), or "" if none was thrown.
std::string config_error(const NetworkSpec& s) {
  try {
    make_network(s);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(NetworkRegistry, UnknownNameListsTheKnownOnes) {
  const std::string msg = config_error(spec("resnet19"));
  EXPECT_TRUE(contains(msg, "resnet19")) << msg;
  for (const char* known : {"resnet18", "densenet121", "lenet5", "two_path"})
    EXPECT_TRUE(contains(msg, known)) << msg;
}

TEST(NetworkRegistry, UnknownParamIsAConfigErrorNamingTheKey) {
  const std::string msg = config_error(spec("resnet18", {{"widht", 32}}));
  EXPECT_TRUE(contains(msg, "widht")) << msg;
  EXPECT_TRUE(contains(msg, "width")) << msg;  // the allowed keys
  for (const char* name : {"lenet5", "alexnet", "zfnet", "vgg16", "googlenet", "densenet121",
                           "xception", "lung_cnn_2x2", "pdcovidnet", "cvr_net", "two_path"})
    EXPECT_THROW(make_network(spec(name, {{"nonsense", 1}}, 2, 2)), ConfigError) << name;
  EXPECT_THROW(make_network(spec("ecg_cnn_1d", {{"nonsense", 1}}, 1)), ConfigError);
}

TEST(NetworkRegistry, BadParamValuesAreConfigErrors) {
  EXPECT_THROW(make_network(spec("resnet18", {{"width", "wide"}})), ConfigError);
  EXPECT_THROW(make_network(spec("resnet18", {{"width", 0}})), ConfigError);
  EXPECT_THROW(make_network(spec("resnet18", {{"stem", "tiny"}})), ConfigError);
  EXPECT_THROW(make_network(spec("resnet18", {{"dropout", 1.0}})), ConfigError);
  EXPECT_THROW(make_network(spec("pdcovidnet", {{"dilations", nlohmann::json::array()}})),
               ConfigError);
  EXPECT_THROW(make_network(spec("cvr_net", {{"encoders", 5}, {"stages", 3}})), ConfigError);
  EXPECT_THROW(make_network(spec("googlenet", {{"branch3_kernel", 4}})), ConfigError);
  EXPECT_THROW(make_network(spec("vgg16", {{"batch_norm", 1}})), ConfigError);
}

TEST(NetworkRegistry, UnsupportedDimsAreConfigErrors) {
  const std::string msg = config_error(spec("ecg_cnn_1d", {}, 2));
  EXPECT_TRUE(contains(msg, "ecg_cnn_1d")) << msg;
  EXPECT_TRUE(contains(msg, "supported: 1")) << msg;
  for (int64_t bad : {0, 4})
    EXPECT_THROW(make_network(spec("resnet18", {}, bad)), ConfigError) << bad;
}

TEST(NetworkRegistry, TwoPathNeedsAnEvenChannelCount) {
  const std::string msg = config_error(spec("two_path", {}, 2, 3));
  EXPECT_TRUE(contains(msg, "in_channels")) << msg;
  EXPECT_TRUE(contains(msg, "even")) << msg;
  EXPECT_NO_THROW(make_network(spec("two_path", {{"width", 2}, {"stages", 2}}, 2, 4)));
}

TEST(NetworkRegistry, BadChannelCountsAndInitAreConfigErrors) {
  NetworkSpec s = spec("lenet5");
  s.in_channels = 0;
  EXPECT_THROW(make_network(s), ConfigError);
  s = spec("lenet5");
  s.num_classes = 0;
  EXPECT_THROW(make_network(s), ConfigError);
  s = spec("lenet5");
  s.init = "uniform";
  const std::string msg = config_error(s);
  EXPECT_TRUE(contains(msg, "uniform") && contains(msg, "kaiming")) << msg;
}

TEST(NetworkSpecJson, UnknownTopKeysGoToParamsAndRoundTrip) {
  const auto j = nlohmann::json::parse(R"({"name": "resnet18", "in_channels": 3,
      "num_classes": 7, "spatial_dims": 3, "init": "xavier", "width": 16,
      "stem": "small", "params": {"dropout": 0.25}})");
  NetworkSpec s = network_spec_from_json(j);
  EXPECT_EQ(s.name, "resnet18");
  EXPECT_EQ(s.in_channels, 3);
  EXPECT_EQ(s.num_classes, 7);
  EXPECT_EQ(s.spatial_dims, 3);
  EXPECT_EQ(s.init, "xavier");
  EXPECT_EQ(s.params, nlohmann::json::parse(R"({"width": 16, "stem": "small", "dropout": 0.25})"));
  NetworkSpec back = network_spec_from_json(network_spec_to_json(s));
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.in_channels, s.in_channels);
  EXPECT_EQ(back.num_classes, s.num_classes);
  EXPECT_EQ(back.spatial_dims, s.spatial_dims);
  EXPECT_EQ(back.init, s.init);
  EXPECT_EQ(back.params, s.params);
  // Defaults when keys are missing.
  NetworkSpec d = network_spec_from_json({{"name", "lenet5"}});
  EXPECT_EQ(d.in_channels, 1);
  EXPECT_EQ(d.num_classes, 2);
  EXPECT_EQ(d.spatial_dims, 2);
  EXPECT_EQ(d.init, "kaiming");
  EXPECT_TRUE(d.params.empty());
}

TEST(NetworkSpecJson, MalformedSpecsAreConfigErrors) {
  EXPECT_THROW(network_spec_from_json(nlohmann::json::parse(R"({"in_channels": 1})")),
               ConfigError);
  EXPECT_THROW(network_spec_from_json(nlohmann::json::parse(R"({"name": 3})")), ConfigError);
  EXPECT_THROW(network_spec_from_json(nlohmann::json::parse(R"({"name": "a", "num_classes": "2"})")),
               ConfigError);
  EXPECT_THROW(network_spec_from_json(nlohmann::json::parse(R"([1, 2])")), ConfigError);
}

TEST(NetworkRegistry, NamesAreSortedAndUnique) {
  auto names = NetworkRegistry::instance().names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_GE(names.size(), 16u);
}

}  // namespace
