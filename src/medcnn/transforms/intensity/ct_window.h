// CTWindow: CT windowing (window level / width, in Hounsfield units); one or
// several windows stacked as channels.
//
// Parameters
//   windows  a preset name, or a list whose items are preset names or
//            [level, width] pairs (default ["lung", "mediastinum", "bone"]).
//            Presets (level / width, HU; Radiopaedia "Windowing (CT)"; sites
//            vary by +-100 HU):
//              lung -600/1500, mediastinum 50/350, bone 400/1800,
//              brain 40/80, soft_tissue 50/400, liver 30/150,
//              subdural 75/215, stroke 32/8
//            Attenuation classes (survey's low / normal / high attenuation)
//            are windows too, e.g. low [-950, 100] (emphysema-like -1000..-900),
//            normal [-700, 400], high [-100, 400] (ground glass to consolidation).
// Ensures: for a C-channel input and K windows, a float32 image of K*C
// channels (window-major: window k of channel c is channel k*C + c) with
// values clip((x - (level - width/2)) / width, 0, 1), so in [0, 1].
// Geometry kept; mask and boxes untouched. Works for any dimension.
#pragma once
#include <utility>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class CTWindow : public Transform {
 public:
  explicit CTWindow(const Params& p);
  std::string name() const override { return "CTWindow"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;
  // (level, width) of a preset; ConfigError for an unknown name.
  static std::pair<double, double> preset(const std::string& name);
  const std::vector<std::pair<double, double>>& windows() const { return windows_; }

 private:
  std::vector<std::pair<double, double>> windows_;
};

}  // namespace medcnn
