// WindowDataset: the training windows of a pyramid-of-scales localizer
// (docs/localization.md, "Pyramid of scales"): for every case of a
// one-object data set (SingleObjectDataset), a fixed set of windows cropped
// around and away from the object, each resized to one input size and
// labelled "object of class c" (c + 1) or "background" (0).
//
// Contract
//  - base: every case holds exactly one box (DataError naming the case
//    otherwise); its class is the box's label (else the case's label).
//  - options.preprocess (deterministic, e.g. Resize + ScaleIntensity) is
//    applied to each whole case (image and box together) before windows are
//    cut: the same preprocessing predict applies before the window search.
//  - Per case, drawn from Rng::derive(options.seed, {hash of the case id})
//    (so the same windows whatever the split or the order of the cases):
//      `positives` windows with IoU >= 0.6 against the box: the box refitted
//        to the options' aspect (same area; width / height = aspect, depth =
//        height in 3-D), its centre moved by up to ± jitter × its side and
//        its scale by a factor exp(± 2 jitter), shifted inside the image;
//        when no draw reaches 0.6 (a very elongated object) the rounded box
//        itself is used;
//      `negatives` windows with IoU < negative_iou (<= 0.6), sides from the
//        pyramid (scales ×
//        the image's shorter side, or window_sizes px) with the aspect;
//        hard_fraction of them centred near the object (partial overlaps,
//        too large or too small around it), the rest anywhere. A draw that
//        finds no such window in 200 tries is dropped (an object that fills
//        the image), so a case may have fewer negatives.
//    Windows have integer corners and lie inside the image.
//  - get(i): the window's pixels, crop_and_resize'd to window_size (float),
//    label, id "<case id>#<k>", meta["window"] = "x0 y0 x1 y1" (z last in 3-D).
//    class_names() = {"background", base's classes...}; labels() is known
//    without reading. Folds must split by image: split `base` first, then
//    wrap each part.
//  - cache_images: the preprocessed images are kept in memory (read once, at
//    construction, where every case is read anyway); false: re-read on get().
#pragma once
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "medcnn/data/dataset.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct WindowDatasetOptions {
  std::vector<int64_t> window_size = {64, 64};  // tensor order (y, x) or (z, y, x)
  int64_t positives = 8;
  int64_t negatives = 24;
  std::vector<double> scales = {0.1, 0.129, 0.167, 0.215, 0.278, 0.359, 0.464, 0.6};
  std::vector<int64_t> window_sizes;  // px; when set, used instead of scales
  double aspect = 1.0;                // window width / height
  double hard_fraction = 0.5;         // negatives drawn near the object
  double jitter = 0.1;                // positives: centre ± jitter x side, scale exp(± 2 jitter)
  double negative_iou = 0.45;         // negatives: IoU below this (Fast R-CNN: 0.5)
  uint64_t seed = 0;
  bool cache_images = true;
  std::shared_ptr<const Compose> preprocess;  // null: none
};

// Crops `window` (integer corners, Box x/y/z order, inside the image) out of
// image [C, spatial...] and resizes it to `size` (tensor order) with
// (bi/tri)linear interpolation (align_corners false); returns float [C, size...].
at::Tensor crop_and_resize(const at::Tensor& image, const Box& window,
                           const std::vector<int64_t>& size);
// The same for many windows: [N, C, size...]; windows of one size in a row
// are cropped and resized together.
at::Tensor crop_and_resize(const at::Tensor& image, const std::vector<Box>& windows,
                           const std::vector<int64_t>& size);

class WindowDataset : public Dataset {
 public:
  WindowDataset(DatasetPtr base, WindowDatasetOptions options);
  size_t size() const override { return windows_.size(); }
  Sample get(size_t i) const override;
  std::vector<int64_t> labels() const override { return labels_; }
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

  const Box& window(size_t i) const { return windows_.at(i); }     // on the preprocessed grid
  size_t case_of(size_t i) const { return cases_.at(i); }          // index in base
  const Box& object_box(size_t base_case) const { return boxes_.at(base_case); }

 private:
  at::Tensor image_of(size_t base_case) const;
  DatasetPtr base_;
  WindowDatasetOptions options_;
  std::vector<std::string> classes_, ids_;
  std::vector<Box> boxes_;            // per base case, preprocessed grid
  std::vector<at::Tensor> images_;    // per base case when cached
  std::vector<Box> windows_;
  std::vector<size_t> cases_, ordinal_;
  std::vector<int64_t> labels_;
  int64_t n_positive_ = 0;
};

}  // namespace medcnn
