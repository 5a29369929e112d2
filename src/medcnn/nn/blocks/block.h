// Block and Chain: the module base of medcnn's building blocks.
//
// Block: a torch module with a virtual forward(Tensor) -> Tensor, so blocks
// can be stored behind one pointer type and wrapped in an AnyModule.
// Chain: an ordered container of modules applied in turn, named "0", "1",
// ... (or by the name given to add()), like torch::nn::Sequential, but a
// Chain can hold other Chains (a Sequential inside a Sequential does not
// compile in libtorch 1.13). Every added module is registered, so
// parameters, buffers and train()/eval() reach it.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace medcnn {

class Block : public torch::nn::Module {
 public:
  virtual at::Tensor forward(at::Tensor x) = 0;
};
using BlockPtr = std::shared_ptr<Block>;

class Chain : public Block {
 public:
  Chain() = default;
  // Appends m under the name "<index>".
  Chain& add(torch::nn::AnyModule m);
  // Appends m under `name`.
  Chain& add(const std::string& name, torch::nn::AnyModule m);
  template <class M>
  Chain& add(std::shared_ptr<M> m) {
    return add(torch::nn::AnyModule(std::move(m)));
  }
  template <class M>
  Chain& add(const std::string& name, std::shared_ptr<M> m) {
    return add(name, torch::nn::AnyModule(std::move(m)));
  }
  at::Tensor forward(at::Tensor x) override;
  // forward(x) with after(name, output) applied to each child's output.
  at::Tensor forward_each(at::Tensor x,
                          const std::function<at::Tensor(const std::string&, at::Tensor)>& after);
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<torch::nn::AnyModule> items_;
  std::vector<std::string> names_;
};
using ChainPtr = std::shared_ptr<Chain>;

// Registers an AnyModule's module in `parent` under `name` and returns it.
torch::nn::AnyModule register_any(torch::nn::Module& parent, const std::string& name,
                                  torch::nn::AnyModule m);

}  // namespace medcnn
