// two_path: a two-stream CNN: the input's channels are split in two halves
// (e.g. two modalities or two views stacked on channels), each half goes
// through its own stream, and the two streams' last feature maps are
// concatenated (late fusion) before the classifier. 1-D/2-D/3-D.
//
// Each stream has `stages` stages of two ConvNormAct layers to
// w * 2^j channels (kernel from `kernels`, one per stream, odd), each but
// the last followed by a 2x max pool. features() is [B, 2 * w * 2^(stages-1),
// s / 2^(stages-1)...]; the head is global average pooling, dropout, FC.
// Params: width (16), stages (4), kernels ([3, 3]), dropout (0).
// in_channels must be even (ConfigError otherwise).
// Names: stream1.*, stream2.*, head.fc. Min input 2^(stages-1).
#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/headed_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class TwoPath : public HeadedNetwork {
 public:
  explicit TwoPath(const NetworkSpec& spec) : HeadedNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "stages", "kernels", "dropout"});
    const int64_t w = p.get_int("width", 16);
    const int64_t stages = p.get_int("stages", 4, 1, 12);
    const auto kernels = p.get_ints("kernels", {3, 3});
    const double dropout = p.get_prob("dropout", 0.0);
    if (kernels.size() != 2 || kernels[0] % 2 == 0 || kernels[1] % 2 == 0)
      throw ConfigError(p.where("kernels"), "expected two odd kernel sizes, one per stream");
    if (spec.in_channels % 2 != 0)
      throw ConfigError("network." + spec.name + ".in_channels",
                        "two_path splits the channels in two halves, one per stream: "
                        "in_channels must be even, got " + std::to_string(spec.in_channels));
    const int64_t d = spec.spatial_dims;
    half_ = spec.in_channels / 2;
    for (int s = 0; s < 2; ++s) {
      auto stream = std::make_shared<Chain>();
      int64_t in = half_;
      for (int64_t j = 0; j < stages; ++j) {
        const int64_t out = w << j;
        auto stage = std::make_shared<Chain>();
        stage->add(std::make_shared<ConvNormAct>(ConvNormActOptions(d, in, out, kernels[s])))
            .add(std::make_shared<ConvNormAct>(ConvNormActOptions(d, out, out, kernels[s])));
        if (j + 1 < stages) stage->add("pool", max_pool_nd(d, 2));
        stream->add("stage" + std::to_string(j + 1), stage);
        in = out;
      }
      register_module("stream" + std::to_string(s + 1), stream);
      streams_.push_back(stream);
    }
    SizeChain sizes;
    for (int64_t j = 0; j + 1 < stages; ++j) sizes.pool(2, 2);
    min_input_size_ = sizes.min_input();
    build_head(2 * (w << (stages - 1)), HeadOptions().dropout(dropout));
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    return torch::cat({streams_[0]->forward(x.narrow(1, 0, half_)),
                       streams_[1]->forward(x.narrow(1, half_, half_))},
                      1);
  }

 private:
  std::vector<ChainPtr> streams_;
  int64_t half_ = 1;
};

MEDCNN_REGISTER_NETWORK("two_path", TwoPath);

}  // namespace
}  // namespace medcnn
