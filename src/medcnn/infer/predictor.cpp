#include "medcnn/infer/predictor.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/loader.h"
#include "medcnn/infer/optimize.h"

namespace medcnn {

Predictions predict_probabilities(const std::vector<NetworkPtr>& models, const Compose& preprocess,
                    DatasetPtr dataset, const PredictorOptions& options) {
  if (models.empty()) throw ConfigError("predict", "no model to predict with");
  const c10::Device device = parse_device(options.device);
  for (auto& m : models) {
    m->to(device);
    m->eval();
  }
  LoaderOptions lo;
  lo.batch_size = options.batch_size;
  lo.workers = options.workers;
  DataLoader loader(dataset, preprocess, lo);
  std::vector<InferenceModel> fast(models.size());
  Predictions out;
  std::unique_ptr<Progress> bar;
  if (options.show_progress)
    bar = std::make_unique<Progress>("predict", (int64_t)loader.batches_per_epoch(), "batches");
  torch::NoGradGuard no_grad;
  loader.start_epoch(0);
  bool first = true;
  while (auto batch = loader.next()) {
    auto x = batch->images.to(device);
    at::Tensor sum;
    for (size_t m = 0; m < models.size(); ++m) {
      if (first && options.optimize) fast[m] = optimize_for_inference(models[m], x);
      auto logits = options.optimize ? fast[m].forward(x) : models[m]->forward(x);
      auto p = torch::softmax(logits.to(torch::kFloat), 1);
      sum = sum.defined() ? sum + p : p;
    }
    first = false;
    auto probs = (sum / double(models.size())).to(torch::kDouble).cpu().contiguous();
    const int64_t k = probs.size(1);
    const double* data = probs.data_ptr<double>();
    for (int64_t i = 0; i < batch->size(); ++i) {
      out.ids.push_back(batch->ids[i]);
      out.labels.push_back(batch->labels.defined() ? batch->labels[i].item<int64_t>() : -1);
      out.probabilities.emplace_back(data + i * k, data + (i + 1) * k);
    }
    if (bar) bar->advance();
  }
  return out;
}

}  // namespace medcnn
