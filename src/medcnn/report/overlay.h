// Segmentation overlays for reports: the image in grey with the reference
// outline in green and the prediction's in red (where they coincide the
// pixel is yellow).
//
// segmentation_overlay(image, reference, prediction): image [C, spatial...]
// (the first channel is shown, min-max scaled to 0..255), reference and
// prediction label maps [spatial...] or [1, spatial...] on the same grid
// (foreground = label > 0; negative labels, the ignore label, are
// background). Outlines are the foreground pixels with a 4-connected
// background neighbour. A 3-D volume is shown at the axial slice (first
// spatial axis) where the reference has the most foreground (the middle
// slice when it has none). Returns a 2-D RGB uint8 Image of the slice,
// magnified `zoom` times (nearest neighbour) so small images stay readable.
// DataError when the grids differ.
//
// heatmap_overlay(image, map, zoom): the image in grey blended with `map`
// ([spatial...] on the image's grid, values in [0, 1]; negative values shown
// as 0) in a blue-to-red "jet" colour scale, weight 0.5 * map per pixel so
// cold regions keep the anatomy visible. A volume is shown at the axial slice
// holding the map's maximum. Returns an RGB uint8 Image, magnified `zoom`
// times. DataError when the grids differ.
//
// box_overlay(image, reference, predicted, class_names, zoom): the image in
// grey (a 2-D uint8 RGB image, such as another overlay, in its colours) with the reference boxes in green and the predicted boxes in red,
// each prediction labelled "<class> <score>" (class_names[label], or the
// box's class_name). A volume is shown at the axial slice through the
// centre of the highest-scored prediction (else of the first reference box,
// else the middle slice), with the boxes that cross it. Returns an RGB
// uint8 Image magnified `zoom` times. DataError for a 1-D image.
#pragma once
#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/core/image.h"

namespace medcnn {

Image segmentation_overlay(const Image& image, const at::Tensor& reference,
                           const at::Tensor& prediction, int64_t zoom = 1);
Image heatmap_overlay(const Image& image, const at::Tensor& map, int64_t zoom = 1);
Image box_overlay(const Image& image, const std::vector<Box>& reference,
                  const std::vector<Box>& predicted, const std::vector<std::string>& class_names,
                  int64_t zoom = 1);

}  // namespace medcnn
