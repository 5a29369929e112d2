#include "medcnn/transforms/intensity/ct_window.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

std::pair<double, double> CTWindow::preset(const std::string& n) {
  static const std::map<std::string, std::pair<double, double>> presets{
      {"lung", {-600, 1500}},      {"mediastinum", {50, 350}}, {"bone", {400, 1800}},
      {"brain", {40, 80}},         {"soft_tissue", {50, 400}}, {"liver", {30, 150}},
      {"subdural", {75, 215}},     {"stroke", {32, 8}}};
  auto it = presets.find(n);
  if (it == presets.end()) {
    std::string list;
    for (const auto& [k, v] : presets) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError("CTWindow.windows", "unknown preset '" + n + "' (known: " + list + ")");
  }
  return it->second;
}

CTWindow::CTWindow(const Params& p) {
  check_keys(p, name(), {"windows"});
  Params w = (p.is_null() || !p.contains("windows"))
                 ? Params::array({"lung", "mediastinum", "bone"})
                 : p["windows"];
  if (w.is_string()) w = Params::array({w});
  if (!w.is_array() || w.empty())
    throw ConfigError(name() + ".windows", "expected a preset name or a list of presets / [level, width]");
  // A bare [level, width] pair of numbers is one window.
  if (w.size() == 2 && w[0].is_number() && w[1].is_number()) w = Params::array({w});
  for (const auto& item : w) {
    if (item.is_string()) {
      windows_.push_back(preset(item.get<std::string>()));
    } else if (item.is_array() && item.size() == 2 && item[0].is_number() && item[1].is_number()) {
      const double level = item[0].get<double>(), width = item[1].get<double>();
      if (!(width > 0)) throw ConfigError(name() + ".windows", "window width must be > 0");
      windows_.emplace_back(level, width);
    } else {
      throw ConfigError(name() + ".windows", "each window is a preset name or [level, width]");
    }
  }
}

void CTWindow::apply(Sample& sample, Rng& /*rng*/) const {
  const at::Tensor x = sample.image.data.to(torch::kDouble);
  std::vector<at::Tensor> out;
  for (const auto& [level, width] : windows_)
    out.push_back(((x - (level - width / 2.0)) / width).clamp(0.0, 1.0));
  intensity_ops::set_float(sample, torch::cat(out, 0));
}

MEDCNN_REGISTER_TRANSFORM(CTWindow)

}  // namespace medcnn
