// Segmentation losses (Dice, Tversky, Dice + CE, CE and focal with an ignore
// label) against definitions written out in PyTorch (Python): value and gradient.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"
#include "medcnn/losses/loss.h"
#include "test_support.h"

using nlohmann::json;
namespace mt = medcnn::test;

namespace {

struct SegCase {
  at::Tensor logits, target;  // [B, K, spatial...] double, [B, spatial...] long
};

// Blobby targets (so Dice is not trivially 0) with some ignored pixels.
SegCase make_case(std::vector<int64_t> shape, uint64_t seed, bool with_ignore) {
  torch::manual_seed(seed);
  const int64_t k = shape[1];
  auto logits = torch::randn(shape, torch::kDouble) * 2;
  std::vector<int64_t> tshape{shape[0]};
  tshape.insert(tshape.end(), shape.begin() + 2, shape.end());
  auto target = torch::randint(0, std::max<int64_t>(k, 2), tshape, torch::kLong);
  if (with_ignore) target.masked_fill_(torch::rand(tshape).lt(0.2), medcnn::kIgnoreLabel);
  return {logits, target};
}

std::vector<double> flat(const at::Tensor& t) {
  auto c = t.contiguous().to(torch::kDouble);
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

void check(const json& spec, const SegCase& c, bool with_ignore) {
  medcnn::LossContext ctx;
  ctx.num_classes = c.logits.size(1);
  if (with_ignore) ctx.ignore_label = medcnn::kIgnoreLabel;
  auto loss = medcnn::make_loss(spec, ctx);
  auto x = c.logits.to(torch::kFloat).clone().set_requires_grad(true);
  auto value = loss->forward(x, c.target);
  value.backward();
  json in;
  in["shape"] = std::vector<int64_t>(c.logits.sizes().begin(), c.logits.sizes().end());
  in["logits"] = flat(c.logits.to(torch::kFloat));
  auto tv = c.target.contiguous();
  in["target"] = std::vector<int64_t>(tv.data_ptr<int64_t>(), tv.data_ptr<int64_t>() + tv.numel());
  in["ignore"] = with_ignore ? json(medcnn::kIgnoreLabel) : json(nullptr);
  in["loss"] = spec["name"];
  json params = spec;
  params.erase("name");
  in["params"] = params;
  mt::TempDir dir;
  mt::write_text(dir.file("in.json"), in.dump());
  json out = mt::run_oracle("seg_losses_torch.py", {dir.file("in.json")});
  ASSERT_FALSE(out.is_null());
  EXPECT_NEAR(value.item<double>(), out["loss"].get<double>(), 2e-5) << spec.dump();
  auto g = flat(x.grad());
  ASSERT_EQ(g.size(), out["grad"].size());
  double worst = 0;
  for (size_t i = 0; i < g.size(); ++i)
    worst = std::max(worst, std::abs(g[i] - out["grad"][i].get<double>()));
  EXPECT_LT(worst, 1e-6) << spec.dump();
}

}  // namespace

TEST(SegmentationLosses, DiceMatchesDefinition2DAnd3D) {
  check({{"name", "dice"}}, make_case({2, 3, 6, 7}, 1, false), false);
  check({{"name", "dice"}, {"include_background", true}, {"batch", true}},
        make_case({2, 2, 3, 4, 5}, 2, false), false);
  check({{"name", "dice"}, {"smooth_nr", 0.0}, {"smooth_dr", 1.0}}, make_case({3, 1, 5, 5}, 3, false),
        false);  // one output channel: sigmoid Dice
}

TEST(SegmentationLosses, TverskyMatchesDefinition) {
  check({{"name", "tversky"}, {"alpha", 0.3}, {"beta", 0.7}}, make_case({2, 2, 8, 8}, 4, false),
        false);
  check({{"name", "tversky"}, {"alpha", 0.3}, {"beta", 0.7}}, make_case({2, 2, 8, 8}, 4, true), true);
}

TEST(SegmentationLosses, DiceCEMatchesDefinitionWithIgnoredPixels) {
  check({{"name", "dice_ce"}}, make_case({2, 3, 6, 6}, 5, true), true);
  check({{"name", "dice_ce"}, {"lambda_dice", 0.5}, {"lambda_ce", 2.0},
         {"class_weights", {1.0, 3.0}}, {"batch", true}},
        make_case({2, 2, 4, 4, 4}, 6, true), true);
}

TEST(SegmentationLosses, CrossEntropyAndFocalSkipIgnoredPixels) {
  check({{"name", "cross_entropy"}}, make_case({2, 3, 5, 6}, 7, true), true);
  check({{"name", "focal"}, {"gamma", 2.0}}, make_case({2, 3, 5, 6}, 8, true), true);
}

TEST(SegmentationLosses, AllIgnoredBatchGivesZeroNotNaN) {
  medcnn::LossContext ctx;
  ctx.ignore_label = medcnn::kIgnoreLabel;
  auto x = torch::randn({1, 2, 4, 4}, torch::requires_grad());
  auto t = torch::full({1, 4, 4}, medcnn::kIgnoreLabel, torch::kLong);
  for (const char* name : {"cross_entropy", "focal", "dice_ce"}) {
    auto v = medcnn::make_loss(json{{"name", name}}, ctx)->forward(x, t);
    EXPECT_TRUE(std::isfinite(v.item<double>())) << name;
    // Dice of nothing against nothing is (0 + smooth_nr) / (0 + smooth_dr) = 1: loss 0.
    EXPECT_NEAR(v.item<double>(), 0.0, 1e-6) << name;
  }
}

TEST(SegmentationLosses, BadParametersNameTheKey) {
  medcnn::LossContext ctx;
  EXPECT_TRUE(mt::has(mt::expect_error<medcnn::ConfigError>([&] {
    medcnn::make_loss(json{{"name", "tversky"}, {"alpha", -1.0}}, ctx);
  }), "loss.alpha"));
  EXPECT_TRUE(mt::has(mt::expect_error<medcnn::ConfigError>([&] {
    medcnn::make_loss(json{{"name", "dice"}, {"gamma", 2}}, ctx);
  }), "gamma"));
}
