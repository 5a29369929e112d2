// Classification losses against PyTorch (Python), value and gradient.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/losses/loss.h"
#include "test_support.h"

using nlohmann::json;
namespace mt = medcnn::test;

namespace {

struct Case {
  at::Tensor logits, target;
};

Case random_case(int64_t n, int64_t k, uint64_t seed) {
  torch::manual_seed(seed);
  return {torch::randn({n, k}, torch::kDouble) * 3, torch::randint(0, k, {n}, torch::kLong)};
}

json to_json(const at::Tensor& t) {
  auto c = t.contiguous().to(torch::kDouble);
  json rows = json::array();
  for (int64_t i = 0; i < c.size(0); ++i) {
    json r = json::array();
    for (int64_t j = 0; j < c.size(1); ++j) r.push_back(c[i][j].item<double>());
    rows.push_back(r);
  }
  return rows;
}

void check_against_torch(const json& spec, const json& oracle_extra, const Case& c,
                         const medcnn::LossContext& ctx) {
  auto loss = medcnn::make_loss(spec, ctx);
  auto x = c.logits.to(torch::kFloat).clone().set_requires_grad(true);
  auto value = loss->forward(x, c.target);
  value.backward();
  mt::TempDir dir;
  json in = oracle_extra;
  in["logits"] = to_json(c.logits.to(torch::kFloat).to(torch::kDouble));
  std::vector<int64_t> tv(c.target.data_ptr<int64_t>(), c.target.data_ptr<int64_t>() + c.target.numel());
  in["target"] = tv;
  mt::write_text(dir.file("in.json"), in.dump());
  json out = mt::run_oracle("losses_torch.py", {dir.file("in.json")});
  ASSERT_FALSE(out.is_null());
  EXPECT_NEAR(value.item<double>(), out["loss"].get<double>(), 1e-5) << spec.dump();
  auto g = x.grad();
  for (int64_t i = 0; i < g.size(0); ++i)
    for (int64_t j = 0; j < g.size(1); ++j)
      EXPECT_NEAR(g[i][j].item<double>(), out["grad"][i][j].get<double>(), 1e-6)
          << spec.dump() << " grad[" << i << "][" << j << "]";
}

}  // namespace

TEST(Losses, CrossEntropyMatchesTorch) {
  auto c = random_case(12, 3, 1);
  check_against_torch({{"name", "cross_entropy"}}, {{"loss", "cross_entropy"}, {"weight", nullptr}},
                      c, {3, {}});
}

TEST(Losses, BalancedWeightedCrossEntropyMatchesTorch) {
  auto c = random_case(16, 2, 2);
  // "balanced": w_c = n / (K n_c) with counts 30 and 10 -> 40/60, 40/20.
  check_against_torch({{"name", "cross_entropy"}, {"class_weights", "balanced"}},
                      {{"loss", "cross_entropy"}, {"weight", {40.0 / 60.0, 2.0}}}, c, {2, {30, 10}});
}

TEST(Losses, LabelSmoothingMatchesTorch) {
  auto c = random_case(10, 4, 3);
  check_against_torch({{"name", "cross_entropy"}, {"label_smoothing", 0.1}, {"class_weights", {1, 2, 3, 4}}},
                      {{"loss", "cross_entropy"}, {"weight", {1, 2, 3, 4}}, {"label_smoothing", 0.1}},
                      c, {4, {}});
}

TEST(Losses, FocalMatchesDefinition) {
  auto c = random_case(14, 3, 4);
  check_against_torch({{"name", "focal"}, {"gamma", 2.0}}, {{"loss", "focal"}, {"gamma", 2.0}}, c, {3, {}});
  check_against_torch({{"name", "focal"}, {"gamma", 1.5}, {"alpha", {0.25, 0.5, 0.25}}},
                      {{"loss", "focal"}, {"gamma", 1.5}, {"weight", {0.25, 0.5, 0.25}}}, c, {3, {}});
}

TEST(Losses, FocalWithGammaZeroIsCrossEntropy) {
  auto c = random_case(20, 2, 5);
  auto x = c.logits.to(torch::kFloat);
  auto focal = medcnn::make_loss(json{{"name", "focal"}, {"gamma", 0.0}}, {2, {}});
  auto ce = medcnn::make_loss(json{{"name", "cross_entropy"}}, {2, {}});
  EXPECT_NEAR(focal->forward(x, c.target).item<double>(), ce->forward(x, c.target).item<double>(), 1e-6);
}

TEST(Losses, FocalDownweightsEasyCases) {
  // One confident correct case: focal loss is far below cross-entropy.
  auto x = torch::tensor({{4.0f, -4.0f}});
  auto t = torch::tensor({0}, torch::kLong);
  auto focal = medcnn::make_loss(json{{"name", "focal"}}, {2, {}});
  auto ce = medcnn::make_loss(json{{"name", "cross_entropy"}}, {2, {}});
  EXPECT_LT(focal->forward(x, t).item<double>(), 1e-3 * ce->forward(x, t).item<double>());
}

TEST(Losses, BadConfigsAreConfigErrors) {
  EXPECT_THROW(medcnn::make_loss(json{{"name", "nope"}}, {2, {}}), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_loss(json{{"name", "focal"}, {"gama", 2}}, {2, {}}), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_loss(json{{"name", "cross_entropy"}, {"class_weights", {1, 2, 3}}}, {2, {}}),
               medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_loss(json{{"name", "cross_entropy"}, {"class_weights", "balanced"}}, {2, {5, 0}}),
               medcnn::ConfigError);
  try {
    medcnn::make_loss(json{{"name", "nope"}}, {2, {}});
  } catch (const medcnn::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("focal"), std::string::npos) << "lists the known losses";
  }
}
