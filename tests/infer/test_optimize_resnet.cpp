// optimize_for_inference on medcnn's ResNet-18 with phantom images: the
// optimised model keeps the eager network's predictions (argmax) and its
// probabilities within 1e-4, for both stems, batch 1 and 4 and two sizes.
// The eager libtorch forward (eval, no grad) is the reference.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/infer/optimize.h"
#include "medcnn/nn/network.h"
#include "phantom_disc.h"

namespace {

using medcnn::test::phantom_batch;


medcnn::NetworkPtr trained_looking_resnet(const std::string& stem, int64_t size) {
  torch::manual_seed(1);
  medcnn::NetworkSpec spec;
  spec.name = "resnet18";
  spec.in_channels = 1;
  spec.num_classes = 3;
  spec.params = {{"stem", stem}};
  auto net = medcnn::make_network(spec);
  // Batch-norm running statistics from a few batches, as after training.
  net->train();
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 2; ++i) net->forward(phantom_batch(4, size, 100 + 4 * i));
  net->eval();
  return net;
}

void expect_same_predictions(const at::Tensor& got, const at::Tensor& want, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  const at::Tensor pg = torch::softmax(got, 1), pw = torch::softmax(want, 1);
  EXPECT_LE((pg - pw).abs().max().item<double>(), 1e-4) << what;
  EXPECT_LE((got - want).abs().max().item<double>(), 1e-3 * std::max(1.0, want.abs().max().item<double>()))
      << what;
  // Argmax, where eager's top two logits are not within the tolerance.
  const auto top = want.topk(2, 1);
  const at::Tensor margin = std::get<0>(top).select(1, 0) - std::get<0>(top).select(1, 1);
  const at::Tensor clear = margin > 1e-4;
  EXPECT_TRUE(torch::equal(got.argmax(1).masked_select(clear), want.argmax(1).masked_select(clear)))
      << what;
}

void check_stem(const std::string& stem, int64_t size_a, int64_t size_b) {
  auto net = trained_looking_resnet(stem, size_a);
  auto model = medcnn::optimize_for_inference(net, phantom_batch(1, size_a, 7));
  ASSERT_EQ(model.level(), "optimized") << model.fallback_reason();
  for (int64_t batch : {1, 4})
    for (int64_t size : {size_a, size_b}) {
      const at::Tensor x = phantom_batch(batch, size, 20 + static_cast<uint64_t>(batch * size));
      at::Tensor want;
      {
        torch::NoGradGuard no_grad;
        want = net->forward(x);
      }
      expect_same_predictions(model.forward(x), want,
                              stem + " batch " + std::to_string(batch) + " size " + std::to_string(size));
    }
  EXPECT_EQ(model.traces_made(), 1u) << "ResNet-18 has global pooling: one trace for all shapes";
}

TEST(OptimizeResNet18, SmallStemKeepsPredictions) { check_stem("small", 28, 36); }

TEST(OptimizeResNet18, ImagenetStemKeepsPredictions) { check_stem("imagenet", 64, 96); }

}  // namespace
