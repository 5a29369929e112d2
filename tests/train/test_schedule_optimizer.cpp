// Schedules and optimisers against torch.optim (Python) on the same problem.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/train/optimizer.h"
#include "medcnn/train/schedule.h"
#include "test_support.h"

using nlohmann::json;
namespace mt = medcnn::test;

namespace {

std::vector<double> lrs_of(const json& spec, double lr, int64_t epochs,
                           const std::vector<double>& metrics = {}) {
  auto s = medcnn::make_schedule(spec, lr, epochs);
  std::vector<double> out;
  for (int64_t e = 0; e < epochs; ++e) {
    out.push_back(s->lr(double(e)));
    if (!metrics.empty()) s->observe(metrics[e], true);
  }
  return out;
}

void expect_same_as_torch(const json& spec, const json& oracle_in, double lr, int64_t epochs,
                          const std::vector<double>& metrics = {}) {
  mt::TempDir dir;
  json in = oracle_in;
  in["lr"] = lr;
  in["epochs"] = epochs;
  if (!metrics.empty()) in["metrics"] = metrics;
  mt::write_text(dir.file("in.json"), in.dump());
  json out = mt::run_oracle("schedule_torch.py", {dir.file("in.json")});
  ASSERT_FALSE(out.is_null());
  auto ours = lrs_of(spec, lr, epochs, metrics);
  for (int64_t e = 0; e < epochs; ++e)
    EXPECT_NEAR(ours[e], out["lr"][e].get<double>(), 1e-12) << spec.dump() << " epoch " << e;
}

}  // namespace

TEST(Schedule, StepMatchesTorch) {
  expect_same_as_torch({{"name", "step"}, {"step_size", 3}, {"gamma", 0.5}},
                       {{"name", "step"}, {"step_size", 3}, {"gamma", 0.5}}, 0.1, 10);
}

TEST(Schedule, MultiStepMatchesTorch) {
  expect_same_as_torch({{"name", "multistep"}, {"milestones", {2, 5}}, {"gamma", 0.1}},
                       {{"name", "multistep"}, {"milestones", {2, 5}}, {"gamma", 0.1}}, 0.01, 8);
}

TEST(Schedule, CosineMatchesTorchAtEpochStarts) {
  expect_same_as_torch({{"name", "cosine"}, {"min_lr", 1e-4}},
                       {{"name", "cosine"}, {"min_lr", 1e-4}}, 0.01, 12);
}

TEST(Schedule, PlateauMatchesTorch) {
  std::vector<double> m{0.5, 0.6, 0.6, 0.6, 0.6, 0.61, 0.61, 0.61, 0.61, 0.61, 0.7, 0.7};
  expect_same_as_torch({{"name", "plateau"}, {"factor", 0.5}, {"patience", 2}, {"threshold", 1e-4},
                        {"cooldown", 1}},
                       {{"name", "plateau"}, {"factor", 0.5}, {"patience", 2}, {"threshold", 1e-4},
                        {"cooldown", 1}},
                       0.1, (int64_t)m.size(), m);
}

TEST(Schedule, WarmupRampsLinearlyThenFollowsTheSchedule) {
  auto s = medcnn::make_schedule(json{{"name", "constant"}, {"warmup_epochs", 2}, {"warmup_start", 0.1}},
                                 1.0, 10);
  EXPECT_NEAR(s->lr(0.0), 0.1, 1e-12);
  EXPECT_NEAR(s->lr(1.0), 0.55, 1e-12);  // halfway: 0.1 + 0.9 * 0.5
  EXPECT_NEAR(s->lr(2.0), 1.0, 1e-12);
  EXPECT_NEAR(s->lr(7.5), 1.0, 1e-12);
  // Cosine after warm-up starts from the base rate and ends at min_lr.
  auto c = medcnn::make_schedule(json{{"name", "cosine"}, {"warmup_epochs", 2}}, 1.0, 10);
  EXPECT_NEAR(c->lr(2.0), 1.0, 1e-12);
  EXPECT_NEAR(c->lr(6.0), 0.5, 1e-12);
  EXPECT_NEAR(c->lr(10.0), 0.0, 1e-12);
}

TEST(Schedule, PlateauStateRoundTrips) {
  auto a = medcnn::make_schedule(json{{"name", "plateau"}, {"patience", 1}}, 1.0, 10);
  for (double m : {0.5, 0.4, 0.4}) a->observe(m, true);
  auto b = medcnn::make_schedule(json{{"name", "plateau"}, {"patience", 1}}, 1.0, 10);
  b->load_state(a->state());
  for (double m : {0.3, 0.3, 0.9}) {
    a->observe(m, true);
    b->observe(m, true);
    EXPECT_EQ(a->lr(5), b->lr(5));
  }
  EXPECT_LT(a->lr(5), 0.1 + 1e-12);
}

TEST(Schedule, BadSpecsAreConfigErrors) {
  EXPECT_THROW(medcnn::make_schedule(json{{"name", "linear"}}, 1, 5), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_schedule(json{{"name", "step"}, {"step_size", 0}}, 1, 5), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_schedule(json{{"name", "cosine"}, {"gamma", 2}}, 1, 5), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_schedule(json{{"name", "plateau"}, {"factor", 1.5}}, 1, 5), medcnn::ConfigError);
}

namespace {
json tensor_rows(const at::Tensor& t) {
  json rows = json::array();
  for (int64_t i = 0; i < t.size(0); ++i) {
    json r = json::array();
    for (int64_t j = 0; j < t.size(1); ++j) r.push_back(t[i][j].item<double>());
    rows.push_back(r);
  }
  return rows;
}

void expect_optimizer_matches(const json& spec, const json& torch_options) {
  torch::manual_seed(7);
  auto w0 = torch::randn({2, 3});
  auto x = torch::randn({16, 3});
  auto y = torch::randn({16, 2});
  auto w = w0.clone().set_requires_grad(true);
  auto opt = medcnn::make_optimizer(spec, {w});
  const int steps = 25;
  for (int i = 0; i < steps; ++i) {
    opt->zero_grad();
    auto loss = (x.matmul(w.t()) - y).pow(2).mean();
    loss.backward();
    opt->step();
  }
  mt::TempDir dir;
  json in{{"name", spec["name"]}, {"options", torch_options}, {"w0", tensor_rows(w0)},
          {"x", tensor_rows(x)}, {"y", tensor_rows(y)}, {"steps", steps}};
  mt::write_text(dir.file("in.json"), in.dump());
  json out = mt::run_oracle("optim_torch.py", {dir.file("in.json")});
  ASSERT_FALSE(out.is_null());
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_NEAR(w[i][j].item<double>(), out["w"][i][j].get<double>(), 1e-5) << spec.dump();
}
}  // namespace

TEST(Optimizer, SgdMomentumNesterovMatchesTorch) {
  expect_optimizer_matches({{"name", "sgd"}, {"lr", 0.05}, {"momentum", 0.9}, {"nesterov", true},
                            {"weight_decay", 1e-3}},
                           {{"lr", 0.05}, {"momentum", 0.9}, {"nesterov", true}, {"weight_decay", 1e-3}});
}

TEST(Optimizer, AdamMatchesTorch) {
  expect_optimizer_matches({{"name", "adam"}, {"lr", 0.01}, {"weight_decay", 1e-4}},
                           {{"lr", 0.01}, {"weight_decay", 1e-4}});
}

TEST(Optimizer, AdamWMatchesTorch) {
  expect_optimizer_matches({{"name", "adamw"}, {"lr", 0.01}}, {{"lr", 0.01}, {"weight_decay", 0.01}});
}

TEST(Optimizer, RmspropMatchesTorch) {
  expect_optimizer_matches({{"name", "rmsprop"}, {"lr", 0.005}, {"momentum", 0.5}},
                           {{"lr", 0.005}, {"momentum", 0.5}});
}

TEST(Optimizer, SetLrReachesEveryGroupAndBadSpecsFail) {
  auto w = torch::zeros({3}, torch::requires_grad());
  auto opt = medcnn::make_optimizer(json{{"name", "sgd"}}, {w});
  EXPECT_DOUBLE_EQ(medcnn::get_lr(*opt), 0.01);
  medcnn::set_lr(*opt, 0.123);
  EXPECT_DOUBLE_EQ(medcnn::get_lr(*opt), 0.123);
  EXPECT_THROW(medcnn::make_optimizer(json{{"name", "lbfgs"}}, {w}), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_optimizer(json{{"name", "adam"}, {"momentum", 0.9}}, {w}), medcnn::ConfigError);
  EXPECT_THROW(medcnn::make_optimizer(json{{"name", "adam"}}, {}), medcnn::ConfigError);
}
