// Label-map post-processing (connected components, largest component, small
// objects, hole filling) against scipy.ndimage on random 2-D and 3-D maps.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/infer/postprocess.h"
#include "test_support.h"

using nlohmann::json;
namespace mt = medcnn::test;

namespace {

// Random sparse labels 1..k-1 on a 0 background (many small components and holes).
at::Tensor blobs(std::vector<int64_t> shape, int64_t k, uint64_t seed) {
  torch::manual_seed(seed);
  at::Tensor l = torch::zeros(shape, torch::kLong);
  for (int64_t c = 1; c < k; ++c) l.masked_fill_(torch::rand(shape).lt(0.35 / (k - 1)) & l.eq(0), c);
  return l;
}

std::vector<int64_t> flat(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

json oracle(const at::Tensor& labels, const json& extra) {
  json in = extra;
  in["shape"] = std::vector<int64_t>(labels.sizes().begin(), labels.sizes().end());
  in["labels"] = flat(labels);
  mt::TempDir dir;
  mt::write_text(dir.file("in.json"), in.dump());
  return mt::run_oracle("postprocess_scipy.py", {dir.file("in.json")});
}

void check_step(const at::Tensor& labels, const json& step) {
  at::Tensor got = labels.clone();
  medcnn::make_postprocess(json::array({step})).apply(got);
  json extra{{"step", step["name"]}, {"min_size", step.value("min_size", 0)},
             {"applied_labels", step.value("applied_labels", json())}};
  json ref = oracle(labels, extra);
  ASSERT_FALSE(ref.is_null());
  EXPECT_EQ(flat(got), ref["labels"].get<std::vector<int64_t>>()) << step.dump();
}

}  // namespace

TEST(Postprocess, ConnectedComponentsMatchScipy) {
  for (auto shape : {std::vector<int64_t>{23, 31}, std::vector<int64_t>{9, 11, 13},
                     std::vector<int64_t>{40}}) {
    at::Tensor l = blobs(shape, 2, shape.size());
    at::Tensor comp;
    const int64_t n = medcnn::connected_components(l.gt(0), comp);
    json ref = oracle(l, {{"step", "components"}});
    ASSERT_FALSE(ref.is_null());
    EXPECT_EQ(n, ref["count"].get<int64_t>());
    EXPECT_EQ(flat(comp), ref["labels"].get<std::vector<int64_t>>());  // same C-order numbering
  }
}

TEST(Postprocess, StepsMatchScipy2DAnd3D) {
  for (auto shape : {std::vector<int64_t>{30, 27}, std::vector<int64_t>{8, 12, 10}}) {
    at::Tensor l = blobs(shape, 3, 10 + shape.size());
    check_step(l, {{"name", "KeepLargestConnectedComponent"}});
    check_step(l, {{"name", "KeepLargestConnectedComponent"}, {"applied_labels", {2}}});
    check_step(l, {{"name", "RemoveSmallObjects"}, {"min_size", 3}});
    check_step(l, {{"name", "FillHoles"}});
  }
}

TEST(Postprocess, FillHolesWorkedByHand) {
  // A ring of 1s around a single 0 (a hole) and a 0 on the border (no hole).
  at::Tensor l = torch::tensor({0, 1, 1, 1, 0,
                                0, 1, 0, 1, 0,
                                0, 1, 1, 1, 0}, torch::kLong).view({3, 5});
  auto pp = medcnn::make_postprocess(json::array({{{"name", "FillHoles"}}}));
  pp.apply(l);
  EXPECT_EQ(l[1][2].item<int64_t>(), 1);
  EXPECT_EQ(l.sum().item<int64_t>(), 9);
}

TEST(Postprocess, BadStepsAreConfigErrorsNamingThem) {
  auto msg = mt::expect_error<medcnn::ConfigError>(
      [] { medcnn::make_postprocess(json::array({{{"name", "Dilate"}}})); });
  EXPECT_TRUE(mt::has(msg, "postprocess[0]") && mt::has(msg, "Dilate")) << msg;
  msg = mt::expect_error<medcnn::ConfigError>(
      [] { medcnn::make_postprocess(json::array({{{"name", "RemoveSmallObjects"}}})); });
  EXPECT_TRUE(mt::has(msg, "min_size")) << msg;
}
