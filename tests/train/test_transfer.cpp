// Transfer learning: weights from a medcnn checkpoint or a TorchScript file
// (written by PyTorch in Python), new heads, freezing by layer name.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/train/checkpoint.h"
#include "medcnn/train/transfer.h"
#include "test_support.h"
#include "toy.h"

using nlohmann::json;
namespace mt = medcnn::test;

namespace {
medcnn::NetworkPtr toy(int64_t classes, uint64_t seed) {
  torch::manual_seed(seed);
  medcnn::NetworkSpec s;
  s.name = "test_toy";  // registered in test_trainer.cpp
  s.num_classes = classes;
  return medcnn::make_network(s);
}
}  // namespace

TEST(Transfer, FromCheckpointKeepsANewHead) {
  mt::TempDir dir;
  auto source = toy(2, 1);
  medcnn::save_checkpoint(dir.file("src.pt"), *source, json::object());
  auto target = toy(3, 2);
  auto head_before = target->named_parameters()["head.weight"].clone();
  auto rep = medcnn::transfer_weights(*target, dir.file("src.pt"), /*skip_head=*/true);
  EXPECT_EQ(rep.copied.size(), 2u);  // conv.weight, conv.bias
  EXPECT_EQ(rep.kept_head.size(), 2u);
  EXPECT_TRUE(torch::equal(target->named_parameters()["conv.weight"],
                           source->named_parameters()["conv.weight"]));
  EXPECT_TRUE(torch::equal(target->named_parameters()["head.weight"], head_before));
  // Without skip_head, the 2-class head does not fit a 3-class one.
  auto other = toy(3, 3);
  auto rep2 = medcnn::transfer_weights(*other, dir.file("src.pt"), false);
  EXPECT_EQ(rep2.shape_mismatch.size(), 2u);
}

TEST(Transfer, FromTorchScriptWrittenByPyTorch) {
  mt::TempDir dir;
  json w = mt::run_oracle("torchscript_model.py", {dir.file("model.pt"), "2"});
  ASSERT_FALSE(w.is_null());
  auto net = toy(2, 4);
  auto rep = medcnn::transfer_weights(*net, dir.file("model.pt"), false);
  EXPECT_EQ(rep.copied.size(), 4u);
  auto params = net->named_parameters();
  for (const auto& name : {"conv.weight", "conv.bias", "head.weight", "head.bias"}) {
    auto flat = params[name].flatten();
    ASSERT_EQ(flat.numel(), (int64_t)w[name].size()) << name;
    for (int64_t i = 0; i < flat.numel(); ++i)
      EXPECT_FLOAT_EQ(flat[i].item<float>(), w[name][i].get<float>()) << name << "[" << i << "]";
  }
}

TEST(Transfer, TwiceTransferChainsCheckpoints) {
  // A -> B (new 3-class head) -> C (new 2-class head): C's convolution is A's.
  mt::TempDir dir;
  auto a = toy(2, 1);
  medcnn::save_checkpoint(dir.file("a.pt"), *a, json::object());
  auto b = toy(3, 2);
  medcnn::transfer_weights(*b, dir.file("a.pt"), true);
  medcnn::save_checkpoint(dir.file("b.pt"), *b, json::object());
  auto c = toy(2, 3);
  medcnn::transfer_weights(*c, dir.file("b.pt"), true);
  EXPECT_TRUE(torch::equal(c->named_parameters()["conv.weight"], a->named_parameters()["conv.weight"]));
}

TEST(Transfer, FreezeAndUnfreezeByName) {
  auto net = toy(2, 1);
  EXPECT_EQ(medcnn::set_trainable(*net, {"conv"}, false), 2);
  auto p = net->named_parameters();
  EXPECT_FALSE(p["conv.weight"].requires_grad());
  EXPECT_TRUE(p["head.weight"].requires_grad());
  EXPECT_EQ(medcnn::set_trainable(*net, {"*"}, true), 2);
  EXPECT_TRUE(p["conv.weight"].requires_grad());
  EXPECT_THROW(medcnn::set_trainable(*net, {"layer9"}, false), medcnn::ConfigError);
}

TEST(Transfer, UnrelatedOrMissingModelsAreClearErrors) {
  mt::TempDir dir;
  EXPECT_THROW(medcnn::transfer_weights(*toy(2, 1), dir.file("none.pt"), true), medcnn::IoError);
  mt::write_text(dir.file("junk.pt"), "junk");
  EXPECT_THROW(medcnn::transfer_weights(*toy(2, 1), dir.file("junk.pt"), true), medcnn::FormatError);
  // Another input channel count: conv.weight is reported, not copied.
  json w = mt::run_oracle("torchscript_model.py", {dir.file("m.pt"), "2"});
  ASSERT_FALSE(w.is_null());
  medcnn::NetworkSpec s;
  s.name = "test_toy";
  s.in_channels = 3;
  auto net = medcnn::make_network(s);
  auto rep = medcnn::transfer_weights(*net, dir.file("m.pt"), true);
  EXPECT_EQ(rep.shape_mismatch, std::vector<std::string>{"conv.weight"});
}
