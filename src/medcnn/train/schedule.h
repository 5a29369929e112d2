// Learning-rate schedules, from a config table.
//
// make_schedule({"name": "cosine", "warmup_epochs": 2, ...}, base_lr, epochs)
//   constant
//   step       step_size (epochs), gamma (0.1)
//   multistep  milestones ([epochs]), gamma (0.1)
//   cosine     min_lr (0): base -> min_lr over the epochs after warm-up,
//              per iteration (SGDR without restarts)
//   plateau    factor (0.1), patience (10), threshold (1e-4, relative),
//              cooldown (0), min_lr (0): cut the lr when the monitored
//              validation metric has not improved for `patience` epochs
//   Any schedule takes warmup_epochs (0) and warmup_start (0.1, a fraction
//   of base_lr): a linear ramp from warmup_start * base_lr to the schedule's
//   value, per iteration.
// lr(t) takes a fractional epoch t = epoch + step / steps_per_epoch (epochs
// count from 0). observe(metric, higher_is_better) is called once per epoch
// with the validation value (plateau uses it, others ignore it). state()
// and load_state() carry what --resume needs.
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace medcnn {

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  double lr(double t) const;
  virtual void observe(double /*metric*/, bool /*higher_is_better*/) {}
  virtual nlohmann::json state() const { return nlohmann::json::object(); }
  virtual void load_state(const nlohmann::json& /*state*/) {}

 protected:
  LrSchedule(double base_lr, double warmup_epochs, double warmup_start)
      : base_lr_(base_lr), warmup_epochs_(warmup_epochs), warmup_start_(warmup_start) {}
  virtual double scheduled(double t) const = 0;  // without warm-up
  double base_lr_, warmup_epochs_, warmup_start_;
};

std::unique_ptr<LrSchedule> make_schedule(const nlohmann::json& spec, double base_lr,
                                          int64_t epochs);

}  // namespace medcnn
