#include "medcnn/nn/blocks/block.h"

namespace medcnn {

Chain& Chain::add(torch::nn::AnyModule m) { return add(std::to_string(items_.size()), std::move(m)); }

Chain& Chain::add(const std::string& name, torch::nn::AnyModule m) {
  register_module(name, m.ptr());
  items_.push_back(std::move(m));
  names_.push_back(name);
  return *this;
}

at::Tensor Chain::forward(at::Tensor x) {
  for (auto& m : items_) x = m.forward(x);
  return x;
}

at::Tensor Chain::forward_each(
    at::Tensor x, const std::function<at::Tensor(const std::string&, at::Tensor)>& after) {
  for (size_t i = 0; i < items_.size(); ++i) x = after(names_[i], items_[i].forward(x));
  return x;
}

torch::nn::AnyModule register_any(torch::nn::Module& parent, const std::string& name,
                                  torch::nn::AnyModule m) {
  parent.register_module(name, m.ptr());
  return m;
}

}  // namespace medcnn
