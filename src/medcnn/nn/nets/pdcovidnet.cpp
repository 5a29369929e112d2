// PDCOVIDNet-style parallel-dilated CNN (Chowdhury et al. 2020,
// "PDCOVIDNet: a parallel-dilated convolutional neural network architecture
// for detecting COVID-19 from chest X-ray images"), 1-D/2-D/3-D.
//
// stem:     ConvNormAct(in -> w) + 2x max pool, ConvNormAct(w -> 2w) + 2x max pool
// parallel: DilatedBranches (one branch per dilation, default 1, 2, 3; each
//           `depth` ConvNormAct 3x3 layers 2w -> 4w) concatenated, 2x max pool
// fuse:     ConvNormAct 3x3 (4w * branches -> 8w)
// head:     global average pooling, dropout, FC.
// Params: width (16), dilations ([1, 2, 3]), depth (2), dropout (0).
// Names: stem.*, parallel.branchN.*, fuse.*, head.fc. Min input 8.
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/dilated_branches.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/headed_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class PdCovidNet : public HeadedNetwork {
 public:
  explicit PdCovidNet(const NetworkSpec& spec) : HeadedNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "dilations", "depth", "dropout"});
    const int64_t w = p.get_int("width", 16);
    const auto dilations = p.get_ints("dilations", {1, 2, 3});
    const int64_t depth = p.get_int("depth", 2, 1, 16);
    const double dropout = p.get_prob("dropout", 0.0);
    const int64_t d = spec.spatial_dims;
    auto cna = [d](int64_t in, int64_t out, int64_t k = 3) {
      return std::make_shared<ConvNormAct>(ConvNormActOptions(d, in, out, k));
    };

    stem_ = std::make_shared<Chain>();
    stem_->add("conv1", cna(spec.in_channels, w)).add("pool1", max_pool_nd(d, 2))
        .add("conv2", cna(w, 2 * w)).add("pool2", max_pool_nd(d, 2));
    register_module("stem", stem_);
    parallel_ = register_module(
        "parallel", std::make_shared<DilatedBranches>(d, 2 * w, 4 * w, dilations, depth));
    pool_ = register_any(*this, "pool", max_pool_nd(d, 2));
    fuse_ = register_module("fuse", cna(parallel_->out_channels(), 8 * w));
    SizeChain sizes;
    for (int i = 0; i < 3; ++i) sizes.pool(2, 2);
    min_input_size_ = sizes.min_input();
    build_head(8 * w, HeadOptions().dropout(dropout));
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    return fuse_->forward(pool_.forward(parallel_->forward(stem_->forward(x))));
  }

 private:
  ChainPtr stem_;
  std::shared_ptr<DilatedBranches> parallel_;
  torch::nn::AnyModule pool_;
  std::shared_ptr<ConvNormAct> fuse_;
};

MEDCNN_REGISTER_NETWORK("pdcovidnet", PdCovidNet);

}  // namespace
}  // namespace medcnn
