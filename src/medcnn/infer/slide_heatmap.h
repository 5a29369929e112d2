// Patch-heatmap detection on whole-slide images (the CAMELYON16 winners'
// recipe, Wang et al. 2016): a patch classifier scores a grid of patches,
// the probabilities form a heatmap, and the heatmap's connected regions
// above a threshold become detections. Background found by Otsu's
// threshold is never classified; the slide is streamed tile by tile
// through OpenSlide, never read whole.
//
// slide_heatmap(slide, models, preprocess, options):
//  - The heatmap grid covers the slide at `level` in cells of `stride`
//    level pixels (cell (i, j) = rows [i s, (i+1) s), columns [j s, (j+1) s)
//    of that level; the last partial row and column included).
//  - Tissue: Otsu's threshold t of the luminance (0.299 R + 0.587 G + 0.114 B)
//    of the slide at `mask_level` (-1: the coarsest level at least 512
//    pixels a side; OpenSlide shifts the content of a level smaller than one
//    tile of a vips pyramid, so the very coarsest is avoided; skimage's
//    threshold_otsu, 256 bins), tissue = pixels in the dark class, i.e. with
//    luminance <= t + half a bin (t is the centre of the dark class's last
//    bin; flat-coloured tissue sits on that bin's edge); a cell is
//    tissue when at least `min_tissue` of its area is (the mask resampled to
//    the grid by area). Cells that are not tissue get probability 0 and are
//    never read.
//  - Each tissue cell's patch is the `patch` x `patch` window (level pixels)
//    centred on the cell's centre, read through tiles of about `tile` level
//    pixels (one OpenSlide read per tile of cells, with the margin the
//    patches need; outside the slide reads as white), preprocessed like the
//    model's training images (`preprocess`, e.g. ScaleIntensity), and
//    classified in batches of `batch`; probability = the softmax (mean over
//    the models of a fold ensemble) of `positive_class`.
//  - Memory: one tile plus one batch of patches at a time; the heatmap is
//    grid-sized.
// heatmap_detections(heatmap, threshold): the 8-connected regions of cells
//   with probability >= threshold, each a Box in level-0 pixel coordinates
//   (the union of its cells, scaled by the level's downsample), label 0,
//   score = the region's highest probability; sorted by score.
// Errors: ConfigError for options out of range (naming them) or a
// positive_class the models do not have; DataError when the models do not
// take 3-channel 2-D patches.
#pragma once
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/io/slide.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct SlideHeatmapOptions {
  int level = 0;
  int64_t patch = 64;       // model input side, level pixels
  int64_t stride = 64;      // heatmap cell side, level pixels
  int64_t tile = 2048;      // level pixels per OpenSlide read (rounded to whole cells)
  int mask_level = -1;      // -1: the coarsest level at least 512 pixels a side
  double min_tissue = 0.1;  // share of a cell that must be tissue
  int64_t batch = 64;
  int64_t positive_class = 1;
  bool optimize = true;     // traced, frozen models (infer/optimize.h)
  std::string device = "cpu";
  // Called after each tile with (cells done, cells in all).
  std::function<void(int64_t, int64_t)> progress;
};

struct SlideHeatmap {
  at::Tensor probability;  // [rows, cols] float32
  at::Tensor tissue;       // [rows, cols] bool
  double cell_level0 = 0;  // level-0 pixels per cell side
  int64_t patches_classified = 0, cells = 0;
  double otsu_threshold = 0;
  int64_t width = 0, height = 0;  // the slide at level 0
};

SlideHeatmap slide_heatmap(const Slide& slide, const std::vector<NetworkPtr>& models,
                           const Compose& preprocess, const SlideHeatmapOptions& options);

std::vector<Box> heatmap_detections(const SlideHeatmap& heatmap, double threshold);

}  // namespace medcnn
