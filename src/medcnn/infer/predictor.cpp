#include "medcnn/infer/predictor.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/loader.h"
#include "medcnn/infer/mc_dropout.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/metrics/uncertainty.h"

namespace medcnn {

std::vector<at::Tensor> calibration_batches(DatasetPtr data, const Compose& preprocess,
                                            int64_t max_cases, int64_t batch_size) {
  if (max_cases < 1) throw ConfigError("int8", "the calibration needs at least one case");
  LoaderOptions lo;
  lo.batch_size = batch_size;
  lo.workers = 1;
  lo.shuffle = true;  // a spread of the data set (a CSV may be sorted by class), fixed seed
  lo.seed = 0;
  DataLoader loader(std::move(data), preprocess, lo);
  loader.start_epoch(0);
  std::vector<at::Tensor> batches;
  int64_t n = 0;
  while (n < max_cases) {
    auto batch = loader.next();
    if (!batch) break;
    at::Tensor x = batch->images.to(torch::kCPU).to(torch::kFloat);
    if (n + x.size(0) > max_cases) x = x.narrow(0, 0, max_cases - n);
    n += x.size(0);
    batches.push_back(x);
  }
  if (batches.empty()) throw ConfigError("int8", "the calibration data set has no case");
  return batches;
}

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
  check_mc_options(models, options.mc_samples, options.drop_weights);
  const bool mc = options.mc_samples > 0;
  InferenceOptions io;
  if (options.int8_calibration) {
    if (!device.is_cpu())
      throw ConfigError("int8", "quantized kernels run on the CPU only (device " +
                                    options.device + ")");
    if (mc) throw ConfigError("int8", "Monte-Carlo passes run the float network; drop one");
    if (!options.optimize) throw ConfigError("int8", "int8 needs the optimised model");
    io.int8_calibration = calibration_batches(options.int8_calibration, preprocess,
                                              options.int8_calibration_cases, options.batch_size);
  }
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
    std::vector<at::Tensor> views{x};
    for (int64_t a : options.tta_axes)
      if (a < 0 || a >= x.dim() - 2)
        throw ConfigError("tta_axes", "axis " + std::to_string(a) + " is not a spatial axis of " +
                                          std::to_string(x.dim() - 2) + "-D inputs");
    if (options.tta_flips)
      for (int64_t a = 2; a < x.dim(); ++a)
        if (options.tta_axes.empty() || std::count(options.tta_axes.begin(), options.tta_axes.end(), a - 2))
          views.push_back(x.flip({a}));
    std::vector<at::Tensor> samples;  // [B, K] each
    for (size_t m = 0; m < models.size(); ++m) {
      if (first && options.optimize && !mc) {
        fast[m] = optimize_for_inference(models[m], x, io);
        if (options.int8_calibration && fast[m].level() != "int8")
          spdlog::warn("int8: model {} runs at level \"{}\": {}", m + 1, fast[m].level(),
                       fast[m].fallback_reason());
      }
      for (const auto& v : views) {
        for (int pass = 0; pass < std::max(1, options.mc_samples); ++pass) {
          at::Tensor logits = mc ? mc_forward(*models[m], v, options.drop_weights)
                                 : options.optimize ? fast[m].forward(v) : models[m]->forward(v);
          samples.push_back(torch::softmax(logits.to(torch::kFloat), 1));
        }
      }
    }
    first = false;
    at::Tensor all = torch::stack(samples, 1).to(torch::kDouble).cpu().contiguous();  // [B, S, K]
    auto probs = all.mean(1).contiguous();
    const int64_t k = probs.size(1), n_samples = all.size(1);
    const double* data = probs.data_ptr<double>();
    const double* sdata = all.data_ptr<double>();
    for (int64_t i = 0; i < batch->size(); ++i) {
      out.ids.push_back(batch->ids[i]);
      out.labels.push_back(batch->labels.defined() ? batch->labels[i].item<int64_t>() : -1);
      out.probabilities.emplace_back(data + i * k, data + (i + 1) * k);
      Probabilities rows;
      for (int64_t t = 0; t < n_samples; ++t) {
        const double* r = sdata + (i * n_samples + t) * k;
        rows.emplace_back(r, r + k);
      }
      if (k < 2) continue;
      const PredictiveSummary u = summarize_samples(rows);
      out.uncertainty["entropy"].push_back(u.entropy);
      if (n_samples > 1) {
        out.uncertainty["mutual_information"].push_back(u.mutual_information);
        out.uncertainty["variance"].push_back(u.variance);
        out.uncertainty["vote_disagreement"].push_back(1.0 - u.vote_agreement);
        out.votes.push_back(u.vote);
      }
    }
    if (bar) bar->advance();
  }
  return out;
}

}  // namespace medcnn
