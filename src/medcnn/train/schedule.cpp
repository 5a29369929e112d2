#include "medcnn/train/schedule.h"

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

double LrSchedule::lr(double t) const {
  const double value = scheduled(t);
  if (warmup_epochs_ > 0 && t < warmup_epochs_) {
    const double f = warmup_start_ + (1.0 - warmup_start_) * (t / warmup_epochs_);
    return value * f;
  }
  return value;
}

namespace {

class Constant : public LrSchedule {
 public:
  Constant(double lr, double w, double ws) : LrSchedule(lr, w, ws) {}
  double scheduled(double) const override { return base_lr_; }
};

class Step : public LrSchedule {
 public:
  Step(double lr, double w, double ws, std::vector<double> milestones, double gamma)
      : LrSchedule(lr, w, ws), milestones_(std::move(milestones)), gamma_(gamma) {}
  double scheduled(double t) const override {
    int cuts = 0;
    for (double m : milestones_) cuts += std::floor(t) >= m;
    return base_lr_ * std::pow(gamma_, cuts);
  }

 private:
  std::vector<double> milestones_;
  double gamma_;
};

class Cosine : public LrSchedule {
 public:
  Cosine(double lr, double w, double ws, double epochs, double min_lr)
      : LrSchedule(lr, w, ws), epochs_(epochs), min_lr_(min_lr) {}
  double scheduled(double t) const override {
    const double span = std::max(1e-9, epochs_ - warmup_epochs_);
    const double x = std::clamp((t - warmup_epochs_) / span, 0.0, 1.0);
    return min_lr_ + 0.5 * (base_lr_ - min_lr_) * (1.0 + std::cos(M_PI * x));
  }

 private:
  double epochs_, min_lr_;
};

// As torch.optim.lr_scheduler.ReduceLROnPlateau (threshold_mode "rel").
class Plateau : public LrSchedule {
 public:
  Plateau(double lr, double w, double ws, double factor, int patience, double threshold,
          int cooldown, double min_lr)
      : LrSchedule(lr, w, ws), factor_(factor), patience_(patience), threshold_(threshold),
        cooldown_(cooldown), min_lr_(min_lr), current_(lr) {}
  double scheduled(double) const override { return current_; }
  void observe(double metric, bool higher) override {
    if (!std::isfinite(metric)) return;
    const bool better = !has_best_ || (higher ? metric > best_ * (1 + threshold_)
                                              : metric < best_ * (1 - threshold_));
    if (better) {
      best_ = metric;
      has_best_ = true;
      bad_ = 0;
    } else {
      ++bad_;
    }
    if (cooldown_left_ > 0) {
      --cooldown_left_;
      bad_ = 0;
    }
    if (bad_ > patience_) {
      current_ = std::max(min_lr_, current_ * factor_);
      cooldown_left_ = cooldown_;
      bad_ = 0;
    }
  }
  nlohmann::json state() const override {
    return {{"best", best_}, {"has_best", has_best_}, {"bad", bad_},
            {"cooldown_left", cooldown_left_}, {"current", current_}};
  }
  void load_state(const nlohmann::json& s) override {
    best_ = s.at("best");
    has_best_ = s.at("has_best");
    bad_ = s.at("bad");
    cooldown_left_ = s.at("cooldown_left");
    current_ = s.at("current");
  }

 private:
  double factor_;
  int patience_;
  double threshold_;
  int cooldown_;
  double min_lr_, current_;
  double best_ = 0;
  bool has_best_ = false;
  int bad_ = 0, cooldown_left_ = 0;
};

}  // namespace

std::unique_ptr<LrSchedule> make_schedule(const nlohmann::json& spec, double base_lr,
                                          int64_t epochs) {
  const nlohmann::json s = spec.is_null() ? nlohmann::json::object() : spec;
  const std::string name = s.value("name", "constant");
  const double w = s.value("warmup_epochs", 0.0), ws = s.value("warmup_start", 0.1);
  if (w < 0 || ws < 0 || ws > 1)
    throw ConfigError("schedule", "warmup_epochs must be >= 0 and warmup_start in [0, 1]");
  const std::vector<std::string> common{"warmup_epochs", "warmup_start"};
  auto keys = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    check_keys(s, "schedule", extra);
  };
  if (name == "constant") {
    keys({});
    return std::make_unique<Constant>(base_lr, w, ws);
  }
  if (name == "step" || name == "multistep") {
    const double gamma = s.value("gamma", 0.1);
    std::vector<double> milestones;
    if (name == "step") {
      keys({"step_size", "gamma"});
      const int64_t size = s.value("step_size", int64_t(30));
      if (size <= 0) throw ConfigError("schedule.step_size", "must be > 0");
      for (int64_t m = size; m <= epochs; m += size) milestones.push_back(double(m));
    } else {
      keys({"milestones", "gamma"});
      milestones = s.value("milestones", std::vector<double>{});
    }
    return std::make_unique<Step>(base_lr, w, ws, milestones, gamma);
  }
  if (name == "cosine") {
    keys({"min_lr"});
    return std::make_unique<Cosine>(base_lr, w, ws, double(epochs), s.value("min_lr", 0.0));
  }
  if (name == "plateau") {
    keys({"factor", "patience", "threshold", "cooldown", "min_lr"});
    const double factor = s.value("factor", 0.1);
    if (!(factor > 0 && factor < 1)) throw ConfigError("schedule.factor", "must be in (0, 1)");
    return std::make_unique<Plateau>(base_lr, w, ws, factor, s.value("patience", 10),
                                     s.value("threshold", 1e-4), s.value("cooldown", 0),
                                     s.value("min_lr", 0.0));
  }
  throw ConfigError("schedule.name",
                    "unknown schedule '" + name + "' (known: constant, cosine, multistep, plateau, step)");
}

}  // namespace medcnn
