// Label-map conventions shared by data, transforms, losses and metrics.
//
// kIgnoreLabel: the mask value of pixels that take no part in training or
// scoring: outside a region of interest (DRIVE's field of view, read from a
// CSV manifest's roi column) or marked unknown by the annotator. Losses skip
// them (torch's ignore_index) and every segmentation metric leaves them
// out. Foreground is mask > 0, background mask == 0.
#pragma once
#include <cstdint>

namespace medcnn {

constexpr int64_t kIgnoreLabel = -1;

}  // namespace medcnn
