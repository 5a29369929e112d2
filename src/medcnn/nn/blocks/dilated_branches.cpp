#include "medcnn/nn/blocks/dilated_branches.h"

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/conv_norm_act.h"

namespace medcnn {

DilatedBranches::DilatedBranches(int64_t dims, int64_t in, int64_t out,
                                 std::vector<int64_t> dilations, int64_t depth, int64_t kernel,
                                 const std::string& act, const std::string& norm)
    : out_channels_(out * static_cast<int64_t>(dilations.size())) {
  if (dilations.empty()) throw ConfigError("DilatedBranches", "needs at least one dilation");
  if (depth < 1) throw ConfigError("DilatedBranches", "depth must be at least 1");
  for (size_t b = 0; b < dilations.size(); ++b) {
    const int64_t d = dilations[b];
    if (d < 1) throw ConfigError("DilatedBranches", "dilations must be at least 1");
    auto branch = std::make_shared<Chain>();
    for (int64_t i = 0; i < depth; ++i)
      branch->add(std::make_shared<ConvNormAct>(ConvNormActOptions(dims, i == 0 ? in : out, out,
                                                                   kernel)
                                                    .dilation(d)
                                                    .padding(d * (kernel - 1) / 2)
                                                    .act(act)
                                                    .norm(norm)));
    register_module("branch" + std::to_string(b), branch);
    branches_.push_back(branch);
  }
}

at::Tensor DilatedBranches::forward(at::Tensor x) {
  std::vector<at::Tensor> outs;
  outs.reserve(branches_.size());
  for (auto& b : branches_) outs.push_back(b->forward(x));
  return torch::cat(outs, 1);
}

}  // namespace medcnn
