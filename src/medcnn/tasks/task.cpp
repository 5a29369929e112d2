#include "medcnn/tasks/task.h"

#include "medcnn/core/error.h"
#include "medcnn/nn/network.h"

namespace medcnn {

at::Tensor Task::deep_loss(const std::vector<at::Tensor>& outputs, const Batch& batch) const {
  if (outputs.empty()) throw DataError(name(), "the network returned no output");
  return loss(outputs[0], batch);
}

at::Tensor Task::infer(Network& net, const at::Tensor& images) const { return net.forward(images); }

}  // namespace medcnn
