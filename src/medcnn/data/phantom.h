// Phantoms: synthetic 2-D and 3-D images with exact ground truth for all four
// tasks, the embedded default data of `medcnn demo` (nothing to download).
//
// Each phantom is a textured, anatomy-like background (a body ellipse with
// smooth low-frequency texture and a few organ-like blobs) holding lesions.
// A lesion is "benign" (round, smooth edge) or "malignant" (spiculated:
// radius modulated by spikes); size and contrast are drawn from ranges.
// Gaussian noise is added last. Everything is drawn from Rng(seed).
//
// Ground truth per phantom:
//   mask   label map on the image grid: 0 background, 1 benign, 2 malignant
//   boxes  one tight box per lesion (Box convention), label 0 benign, 1 malignant
//   label  1 if any lesion is malignant, else 0 (classification target)
// generate_phantom(options, seed) is deterministic; write_phantom_dataset
// writes images, masks, a manifest.csv (id,image,label,mask,boxes; boxes in
// the inline form of io/boxes.h) and a dataset.json (Decathlon layout), then
// returns the manifest path.
#pragma once
#include <cstdint>
#include <string>

#include "medcnn/data/sample.h"

namespace medcnn {

struct PhantomOptions {
  int dims = 2;               // 2 or 3
  int64_t size = 64;          // pixels per side
  int min_lesions = 1, max_lesions = 1;
  double min_radius = 4.0, max_radius = 9.0;  // pixels
  double contrast = 0.5;      // lesion brightness over background, background ~[0,1]
  double noise_sd = 0.05;
  double malignant_fraction = 0.5;  // chance a lesion is spiculated
  double spacing = 1.0;       // mm per pixel, all axes
};

// Throws ConfigError naming the option for impossible settings.
void validate(const PhantomOptions& options);
Sample generate_phantom(const PhantomOptions& options, uint64_t seed);
extern const char* const kPhantomClassNames[2];  // "benign", "malignant"

// Writes n phantoms under outdir (2-D: PNG image uint8 + PNG mask;
// 3-D: NIfTI .nii.gz). Seeds are seed, seed+1, ...; returns manifest path.
std::string write_phantom_dataset(const std::string& outdir, int n, const PhantomOptions& options,
                                  uint64_t seed);

}  // namespace medcnn
