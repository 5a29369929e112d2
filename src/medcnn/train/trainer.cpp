#include "medcnn/train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/io/files.h"
#include "medcnn/train/checkpoint.h"
#include "medcnn/train/mixup.h"
#include "medcnn/train/optimizer.h"
#include "medcnn/train/schedule.h"

namespace medcnn {
namespace {

std::vector<at::Tensor> trainable(Network& net) {
  std::vector<at::Tensor> out;
  for (auto& p : net.parameters()) if (p.requires_grad()) out.push_back(p);
  return out;
}

// JSON has no NaN: an undefined value (an AUC on one class) is stored as null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
double number(const nlohmann::json& j) { return j.is_number() ? j.get<double>() : NAN; }

nlohmann::json record_json(const EpochRecord& r) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) metrics[k] = number(v);
  return {{"epoch", r.epoch}, {"lr", r.lr}, {"train_loss", number(r.train_loss)},
          {"val_loss", number(r.val_loss)}, {"seconds", r.seconds}, {"metrics", metrics}};
}

EpochRecord record_from_json(const nlohmann::json& j) {
  EpochRecord r;
  r.epoch = j.at("epoch");
  r.lr = j.at("lr");
  r.train_loss = number(j.at("train_loss"));
  r.val_loss = number(j.at("val_loss"));
  r.seconds = j.at("seconds");
  for (const auto& [k, v] : j.at("metrics").items()) r.metrics[k] = number(v);
  return r;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

}  // namespace

std::vector<std::string> history_columns(const std::vector<EpochRecord>& history) {
  std::vector<std::string> cols{"epoch", "lr", "train_loss", "val_loss"};
  std::vector<std::string> names;
  for (const auto& r : history)
    for (const auto& [k, v] : r.metrics)
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  for (const auto& n : names) cols.push_back("val_" + n);
  cols.push_back("seconds");
  return cols;
}

Trainer::Trainer(NetworkPtr net, TaskPtr task, TrainerOptions options)
    : net_(std::move(net)), task_(std::move(task)), options_(std::move(options)) {
  if (options_.epochs <= 0) throw ConfigError("train.epochs", "must be > 0");
  if (options_.mixup_alpha < 0 || (options_.mixup_alpha > 0 && task_->name() != "classification"))
    throw ConfigError("train.mixup_alpha", "must be >= 0, and mixup is for classification only");
  precision_ = resolve_precision(options_.precision, options_.device);
  net_->to(options_.device);
  optimizer_ = make_optimizer(options_.optimizer, trainable(*net_));
  if (options_.ema_decay != 0) average_ = std::make_unique<WeightAverage>(*net_, options_.ema_decay);
}

Trainer::~Trainer() = default;

torch::optim::Optimizer& Trainer::optimizer() { return *optimizer_; }

double Trainer::train_step(const Batch& batch) {
  net_->train();
  std::optional<MixedBatch> mixed;
  if (options_.mixup_alpha > 0) mixed = mix_up(batch, options_.mixup_alpha);
  auto images = (mixed ? mixed->images : batch.images).to(options_.device);
  std::vector<at::Tensor> outputs;
  {
    AutocastScope autocast(precision_, options_.device);
    outputs = net_->forward_deep(images);
  }
  for (auto& o : outputs) o = o.to(torch::kFloat);
  auto loss = task_->deep_loss(outputs, batch);
  if (mixed)
    loss = loss * mixed->lambda + task_->deep_loss(outputs, mixed->partner) * (1 - mixed->lambda);
  const double value = loss.item<double>();
  if (!std::isfinite(value))
    throw DataError("training", "the loss is " + fmt(value) + " (batch starting with '" +
                                    (batch.ids.empty() ? "" : batch.ids[0]) +
                                    "'): lower the learning rate or check the inputs for NaN");
  optimizer_->zero_grad();
  loss.backward();
  if (options_.grad_clip > 0) torch::nn::utils::clip_grad_norm_(net_->parameters(), options_.grad_clip);
  optimizer_->step();
  if (average_) average_->update(*net_);
  return value;
}

EpochRecord Trainer::validate(DataLoader& loader) {
  net_->eval();
  torch::NoGradGuard no_grad;
  task_->reset();
  double loss_sum = 0;
  int64_t n = 0;
  loader.start_epoch(0);
  while (auto batch = loader.next()) {
    auto output = task_->infer(*net_, batch->images.to(options_.device)).to(torch::kFloat);
    loss_sum += task_->loss(output, *batch).item<double>() * batch->size();
    n += batch->size();
    task_->accumulate(output, *batch);
  }
  EpochRecord r;
  r.val_loss = n ? loss_sum / n : 0.0;
  r.metrics = task_->metrics();
  return r;
}

void Trainer::write_history(const std::vector<EpochRecord>& history) const {
  if (options_.out_dir.empty()) return;
  auto cols = history_columns(history);
  std::ostringstream csv;
  for (size_t i = 0; i < cols.size(); ++i) csv << (i ? "," : "") << cols[i];
  csv << "\n";
  for (const auto& r : history) {
    csv << r.epoch << "," << fmt(r.lr) << "," << fmt(r.train_loss) << "," << fmt(r.val_loss);
    for (size_t i = 4; i + 1 < cols.size(); ++i) {
      auto it = r.metrics.find(cols[i].substr(4));
      csv << "," << (it == r.metrics.end() ? "" : fmt(it->second));
    }
    csv << "," << fmt(r.seconds) << "\n";
  }
  write_file_atomically(options_.out_dir + "/history.csv", csv.str());
}

TrainResult Trainer::fit(DataLoader& train, DataLoader* val) {
  TrainResult result;
  if (val && val->batches_per_epoch() == 0)
    throw DataError("validation data", "has no cases; pass none (and train.keep = \"last\") to "
                                       "train without validation");
  if (options_.keep_last && options_.patience > 0)
    throw ConfigError("train.patience", "early stopping chooses an epoch by the monitor: it needs "
                                        "train.keep = \"best\"");
  // Without validation data the kept epoch is the last one, and the monitor
  // (the training loss) is only logged.
  const std::string monitor =
      !val ? "loss" : !options_.monitor.empty() ? options_.monitor : task_->default_monitor();
  if (!val && !options_.keep_last && !options_.monitor.empty() && options_.monitor != "loss")
    throw ConfigError("train.monitor", "monitoring '" + options_.monitor + "' needs validation data");
  const bool higher = monitor != "loss";
  result.monitor = monitor;
  const std::string out = options_.out_dir;
  if (!out.empty()) std::filesystem::create_directories(out);
  const std::string last = out.empty() ? "" : out + "/last.pt";
  const std::string best = out.empty() ? "" : out + "/best.pt";
  result.best_checkpoint = best;
  result.last_checkpoint = last;

  auto schedule = make_schedule(options_.schedule, base_lr(options_.optimizer), options_.epochs);
  int64_t start = 0, bad_epochs = 0;
  bool has_best = false;
  double best_value = 0;
  if (options_.resume) {
    if (last.empty() || !std::filesystem::exists(last))
      throw IoError(last.empty() ? "--resume" : last, "nothing to resume from (no last.pt)");
    nlohmann::json meta = read_checkpoint_meta(last);
    load_weights(*net_, last);
    load_training_state(last, {optimizer_.get(), true, average_.get()});
    const auto& st = meta.at("train_state");
    start = st.at("epoch");
    bad_epochs = st.at("bad_epochs");
    has_best = st.at("has_best");
    best_value = number(st.at("best_value"));
    result.best_epoch = st.at("best_epoch");
    schedule->load_state(st.at("schedule"));
    for (const auto& r : st.at("history")) result.history.push_back(record_from_json(r));
    spdlog::info("resuming from {} after epoch {}", last, start);
    if (start >= options_.epochs) spdlog::info("nothing left to train ({} epochs done)", start);
  }

  const auto steps = static_cast<double>(std::max<size_t>(1, train.batches_per_epoch()));
  spdlog::info("training {} for {} epochs ({} precision, {})", net_->spec().name, options_.epochs,
               precision_name(precision_),
               options_.keep_last ? std::string("keeping the last epoch")
                                  : "monitor " + std::string(val ? "val_" : "train_") + monitor);
  for (int64_t epoch = start; epoch < options_.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    EpochRecord rec;
    rec.epoch = epoch + 1;
    double loss_sum = 0;
    int64_t n = 0, step = 0;
    std::unique_ptr<Progress> bar;
    if (options_.show_progress)
      bar = std::make_unique<Progress>("epoch " + std::to_string(epoch + 1) + "/" +
                                           std::to_string(options_.epochs),
                                       (int64_t)train.batches_per_epoch(), "batches");
    train.start_epoch(epoch);
    while (auto batch = train.next()) {
      const double lr = schedule->lr(epoch + step / steps);
      set_lr(*optimizer_, lr);
      if (step == 0) rec.lr = lr;
      loss_sum += train_step(*batch) * batch->size();
      n += batch->size();
      ++step;
      if (bar) bar->advance();
    }
    bar.reset();
    rec.train_loss = n ? loss_sum / n : 0.0;
    if (average_) average_->swap(*net_);  // validate and keep the average
    if (val) {
      EpochRecord v = validate(*val);
      rec.val_loss = v.val_loss;
      rec.metrics = v.metrics;
    }
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double value = monitor == "loss" ? (val ? rec.val_loss : rec.train_loss) : 0.0;
    if (monitor != "loss") {
      auto it = rec.metrics.find(monitor);
      if (it == rec.metrics.end())
        throw ConfigError("train.monitor", "the task computes no metric '" + monitor + "'");
      value = it->second;
    }
    schedule->observe(value, higher);
    // The first epoch is the best so far; later a finite value must beat it
    // (a finite value beats an undefined one, e.g. an AUC on one class).
    const bool improved =
        options_.keep_last || !has_best || (std::isfinite(value) &&
                      (!std::isfinite(best_value) ||
                       (higher ? value > best_value + options_.min_delta
                               : value < best_value - options_.min_delta)));
    if (improved) {
      has_best = true;
      best_value = value;
      result.best_epoch = rec.epoch;
      bad_epochs = 0;
    } else {
      ++bad_epochs;
    }
    result.history.push_back(rec);

    std::ostringstream line;
    line << "epoch " << rec.epoch << "/" << options_.epochs << "  lr " << fmt(rec.lr)
         << "  train_loss " << fmt(rec.train_loss);
    if (val) line << "  val_loss " << fmt(rec.val_loss);
    for (const auto& [k, v] : rec.metrics) line << "  val_" << k << " " << fmt(v);
    line << "  " << fmt(rec.seconds) << " s" << (options_.keep_last ? "" : improved ? "  (best)" : "");
    spdlog::info("{}", line.str());

    const bool stop = options_.patience > 0 && bad_epochs >= options_.patience;
    nlohmann::json meta = options_.meta;
    meta["epoch"] = rec.epoch;
    meta["monitor"] = monitor;
    meta["metrics"] = record_json(rec)["metrics"];
    meta["precision"] = precision_name(precision_);
    if (!out.empty() && improved) save_checkpoint(best, *net_, meta);
    if (average_) average_->swap(*net_);  // back to the live weights (last.pt keeps both)
    if (!out.empty()) {
      nlohmann::json hist = nlohmann::json::array();
      for (const auto& r : result.history) hist.push_back(record_json(r));
      meta["train_state"] = {{"epoch", rec.epoch}, {"bad_epochs", bad_epochs},
                             {"has_best", has_best}, {"best_value", number(best_value)},
                             {"best_epoch", result.best_epoch},
                             {"schedule", schedule->state()}, {"history", hist}};
      save_checkpoint(last, *net_, meta, {optimizer_.get(), true, average_.get()});
      write_history(result.history);
    }
    if (stop) {
      result.stopped_early = true;
      spdlog::info("early stopping: no improvement of {} for {} epochs", monitor, options_.patience);
      break;
    }
  }
  result.best_value = best_value;
  // Leave the network at its best epoch (without checkpoints: the average,
  // or the last weights).
  if (!best.empty() && std::filesystem::exists(best) && result.best_epoch > 0) {
    load_weights(*net_, best);
  } else if (average_) {
    average_->swap(*net_);
  }
  return result;
}

}  // namespace medcnn
