// Orientation (MONAI name): reorients the sample to an orientation code by
// permuting and flipping axes only (no interpolation).
//
// Parameters
//   axcodes  orientation code (default "RAS"), one letter per image axis in
//            x, y, z (i, j, k) order naming the direction that axis points
//            TO, as nibabel / MONAI: R/L, A/P, S/I, each pair once (so
//            "RAS" = nibabel's closest canonical, "LPS" = the DICOM / ITK
//            patient frame). Case-insensitive. A 2-D image takes the letters
//            whose physical axes its two axes lie along (so "RAS" on an
//            axial slice means "RA", on a coronal slice "RS"); a 2-letter
//            code is also accepted.
// Ensures
//  - geometry is ITK's LPS frame: +x = L, +y = P, +z = S. Each image axis is
//    matched to the physical axis its direction cosine lies closest to; the
//    axes are permuted and flipped so that axis k points to letter k. For an
//    axis-aligned input the new direction is diagonal: "RAS" gives
//    diag(-1, -1, 1), "LPS" the identity; oblique inputs keep their
//    obliquity (closest canonical, as nibabel.as_closest_canonical).
//  - every pixel keeps its physical position (spacing and direction columns
//    travel with their axes, origin moves to the new first pixel); the mask
//    and boxes move with the image; pixel values and types are unchanged.
//  - an input already in the target orientation is left untouched.
#pragma once
#include <string>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class Orientation : public Transform {
 public:
  explicit Orientation(const Params& p);
  std::string name() const override { return "Orientation"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

  // The orientation code of a geometry (one letter per image axis, x first).
  static std::string code_of(const Geometry& g);

 private:
  std::string axcodes_ = "RAS";
};

}  // namespace medcnn
