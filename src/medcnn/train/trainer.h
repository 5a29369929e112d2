// Trainer: task-agnostic supervised training with validation, schedules,
// early stopping, checkpoints and exact resume.
//
// Contract
//  - fit(train, val) trains net for options.epochs epochs (val may be null:
//    then the monitor is the training loss). Each epoch: the learning rate
//    follows the schedule per iteration; forward runs under the configured
//    precision (bf16 autocast or fp32), loss and optimiser in fp32; then the
//    validation pass (eval mode, no gradients, fp32) gives val_loss and the
//    task's metrics.
//  - Writes into options.out_dir (created): history.csv (epoch, lr,
//    train_loss, val_loss, val_<metric>..., seconds; rewritten atomically
//    each epoch), last.pt (weights + optimiser + RNG + state: what --resume
//    needs) and best.pt (weights of the best epoch by the monitor). Every
//    file is written to a temporary name and renamed.
//  - resume = true continues from out_dir/last.pt: the result equals an
//    uninterrupted run with the same seed (same weights on CPU), since the
//    loader's order and augmentation derive from (seed, epoch) and torch's
//    RNG state is restored.
//  - Early stopping: stops after `patience` epochs without an improvement of
//    the monitor by more than min_delta (patience 0 = off). At the end the
//    network holds the best epoch's weights.
//  - keep_last = true (train.keep = "last", as nnU-Net's final checkpoint):
//    best.pt holds the last epoch's weights and the network ends with them;
//    the monitor is still logged when there is validation data. It is what
//    a run without validation data uses (val null: nothing chooses an
//    epoch). Early stopping needs keep_last = false (ConfigError).
//  - A validation loader with no batches is a DataError: its loss of 0 would
//    never be beaten and best.pt would stay the first epoch's weights.
//  - ema_decay > 0 keeps an exponential moving average of the weights
//    (weight_average.h), updated after every optimiser step. The average is
//    what each epoch validates, what best.pt holds and what the network
//    holds at the end; last.pt holds the live weights and the average, so
//    --resume continues exactly.
//  - mixup_alpha > 0 trains each step on a mixup of the batch (mixup.h):
//    the loss is lambda * L(batch) + (1 - lambda) * L(partner), and that is
//    the train_loss reported. Validation is never mixed.
//  - meta (classes, config, preprocess, ...) is stored in every checkpoint.
#pragma once
#include <c10/core/Device.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medcnn/data/loader.h"
#include "medcnn/nn/network.h"
#include "medcnn/tasks/task.h"
#include "medcnn/train/precision.h"
#include "medcnn/train/weight_average.h"

namespace medcnn {

struct TrainerOptions {
  int64_t epochs = 10;
  std::string out_dir;                 // "" = write nothing
  nlohmann::json optimizer = {{"name", "adamw"}};
  nlohmann::json schedule = {{"name", "constant"}};
  std::string monitor;                 // "" = task default; "loss" = val loss
  bool keep_last = false;              // best.pt = the last epoch, not the monitor's best
  int64_t patience = 0;                // early stopping, 0 = off
  double min_delta = 0.0;
  double grad_clip = 0.0;              // max global L2 norm, 0 = off
  double ema_decay = 0.0;              // > 0: validate and keep a moving average of the weights
  double mixup_alpha = 0.0;            // > 0: train on mixed pairs, lambda ~ Beta(alpha, alpha)
  std::string precision = "auto";      // auto | bf16 | fp32
  c10::Device device = c10::Device("cpu");
  bool resume = false;
  bool show_progress = true;
  nlohmann::json meta = nlohmann::json::object();
};

struct EpochRecord {
  int64_t epoch = 0;  // 1-based in files and logs
  double lr = 0, train_loss = 0, val_loss = 0, seconds = 0;
  std::map<std::string, double> metrics;  // validation metrics
};

struct TrainResult {
  std::vector<EpochRecord> history;
  int64_t best_epoch = 0;
  double best_value = 0;
  std::string monitor;
  bool stopped_early = false;
  std::string best_checkpoint, last_checkpoint;
};

class Trainer {
 public:
  Trainer(NetworkPtr net, TaskPtr task, TrainerOptions options);
  ~Trainer();
  TrainResult fit(DataLoader& train, DataLoader* val);
  // One optimisation step on a batch (forward, loss, backward, step); returns the loss.
  double train_step(const Batch& batch);
  // Loss and task metrics over a loader, in eval mode.
  EpochRecord validate(DataLoader& loader);
  torch::optim::Optimizer& optimizer();
  Precision precision() const { return precision_; }

 private:
  void write_history(const std::vector<EpochRecord>& history) const;
  NetworkPtr net_;
  TaskPtr task_;
  TrainerOptions options_;
  Precision precision_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<WeightAverage> average_;  // ema_decay > 0
};

// history.csv columns in order for a set of records.
std::vector<std::string> history_columns(const std::vector<EpochRecord>& history);

}  // namespace medcnn
