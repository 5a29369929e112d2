// Parameter counts of the full-size layouts against torchvision's published
// counts (3 input channels, 1000 classes, 2-D) and counts worked by hand.
#include <torch/torch.h>

#include "medcnn/nn/blocks/separable_conv.h"
#include "medcnn/nn/network.h"
#include "test_support.h"

using namespace medcnn;

namespace {

int64_t count(const std::string& name, int64_t in, int64_t classes, int64_t dims = 2,
              nlohmann::json params = nlohmann::json::object()) {
  NetworkSpec s;
  s.name = name;
  s.in_channels = in;
  s.num_classes = classes;
  s.spatial_dims = dims;
  s.params = std::move(params);
  // The registry's make() skips make_network's re-initialisation: counting only.
  NetworkPtr net = NetworkRegistry::instance().make(s);
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  return n;
}

// torchvision.models.<name>(num_classes=1000): sum(p.numel() for p in m.parameters()).
// GoogLeNet without the auxiliary heads (aux_logits=False).
TEST(ParamCounts, MatchTorchvision) {
  EXPECT_EQ(count("resnet18", 3, 1000), 11689512);
  EXPECT_EQ(count("resnet34", 3, 1000), 21797672);
  EXPECT_EQ(count("resnet50", 3, 1000), 25557032);
  EXPECT_EQ(count("densenet121", 3, 1000), 7978856);
  EXPECT_EQ(count("googlenet", 3, 1000), 6624904);
  EXPECT_EQ(count("alexnet", 3, 1000), 61100840);
  EXPECT_EQ(count("vgg16", 3, 1000), 138357544);
  EXPECT_EQ(count("vgg11", 3, 1000), 132863336);
}

// LeNet-5 by hand (1 channel, 10 classes): C1 6*(25+1) = 156, C3 16*(6*25+1)
// = 2416, C5 120*(16*25+1) = 48120, F6 84*(120+1) = 10164, out 10*(84+1) =
// 850; total 61706 (C1's padding does not change it).
// lung_cnn_2x2 by hand (k = 4, 1 channel, 6 classes), 2x2 kernels with bias:
// 16*(1*4+1) = 80, 36*(16*4+1) = 2340, 64*(36*4+1) = 9280, 100*(64*4+1) =
// 25700, 144*(100*4+1) = 57744; dense 864*(144+1) = 125280, 288*(864+1) =
// 249120, 6*(288+1) = 1734; total 471278. In 3-D each kernel has 8 taps:
// convs 144, 4644, 18496, 51300, 115344 -> 189928 + 376134 dense = 566062.
// ZFNet by hand (3 channels, 1000 classes): conv 96*(3*49+1) = 14208,
// 256*(96*25+1) = 614656, 384*(256*9+1) = 885120, 384*(384*9+1) = 1327488,
// 256*(384*9+1) = 884992; FC 4096*(9216+1) = 37752832, 4096*(4096+1) =
// 16781312, 1000*(4096+1) = 4097000; total 62357608.
TEST(ParamCounts, ByHand) {
  EXPECT_EQ(count("lenet5", 1, 10), 61706);
  EXPECT_EQ(count("lenet5", 1, 10, 2, {{"padding", 0}}), 61706);
  EXPECT_EQ(count("lung_cnn_2x2", 1, 6), 471278);
  EXPECT_EQ(count("lung_cnn_2x2", 1, 6, 3), 566062);
  EXPECT_EQ(count("zfnet", 3, 1000), 62357608);
}

// A depthwise-separable conv, by hand: 3-D, 4 -> 8 channels, 3^3 kernel, no
// bias: depthwise 4*27 = 108, pointwise 8*4 = 32.
TEST(ParamCounts, SeparableConvByHand) {
  SeparableConv conv(3, 4, 8, 3);
  int64_t n = 0;
  for (const auto& p : conv.parameters()) n += p.numel();
  EXPECT_EQ(n, 140);
  EXPECT_EQ(conv.named_parameters()["depthwise.weight"].sizes(),
            (std::vector<int64_t>{4, 1, 3, 3, 3}));
}

}  // namespace
