// Phantom slide: a synthetic H&E-like whole-slide image with exact lesion
// ground truth, for the patch-heatmap detector (nothing to download).
//
// Content (RGB uint8, a pure function of the options and the seed):
//   glass   white-ish background, about (241, 240, 243) with slight noise;
//   tissue  a few large smooth blobs (a thresholded low-frequency noise field,
//           threshold set so they cover about tissue_fraction of the slide),
//           pink, about (222, 160, 192), with stain variation, fine noise and
//           sparse dark nuclei;
//   lesions discs of radius in [min_radius, max_radius] (whole pixels, at
//           integer centres) placed inside the tissue, apart by a gap along x
//           or y so that neither the discs nor their boxes overlap; darker
//           purple (base about (165, 95, 165), about (135, 75, 150) on average
//           with their dense nuclei), with a soft edge inside the radius.
// A pixel (i, j) belongs to lesion k when its centre (i + 0.5, j + 0.5) lies
// within radius r_k of the lesion centre; the lesion's box is the disc's tight
// box in Box coordinates (core/box.h): lo = centre - r, hi = centre + r.
// Every pixel is computed from its own coordinates (counter-based hashing), so
// any region renders the same pixels as the whole slide, strip by strip.
//
// PhantomSlide(options, seed): plans the slide (tissue field, lesions); throws
//   ConfigError naming the option (e.g. "--patch-size", "--max-radius",
//   "--lesions") for impossible settings, including lesions that do not fit.
//   render(x, y, w, h): level-0 pixels [x, x+w) x [y, y+h) (inside the slide)
//   as a [3, h, w] uint8 tensor; render_rows writes interleaved RGB instead.
//
// write_phantom_slide(outdir, options, seed) writes, in bounded memory (row
// strips streamed as binary PPM through a pipe into `vips`; never the whole
// slide in RAM, no raw temporary on disk):
//   outdir/slide.tif      tiled (256 x 256) pyramidal JPEG TIFF (quality
//                         jpeg_quality) that OpenSlide opens; written under a
//                         temporary name and renamed; resolution mpp um/pixel;
//   outdir/lesions.csv    write_box_csv: image "slide", class "lesion", one row
//                         per lesion, level-0 Box coordinates;
//   outdir/slide.json     width, height, seed, options, lesion count, tissue
//                         fraction achieved (counted exactly while rendering);
//   outdir/patches/       with patches > 0: <id>.png patches of patch_size
//                         rendered by the generator (lossless, not read back
//                         from the JPEG TIFF) and manifest.csv with columns
//                         id,image,label,x,y,region: label "lesion" when the
//                         patch centre (x + s/2, y + s/2) lies in a lesion
//                         disc, else "tissue"; region says where it was drawn
//                         from (lesion, tissue or glass). About half are
//                         lesion patches (none when there are no lesions), of
//                         the rest about 10% are glass. The manifest is a
//                         medcnn classification CSV (data/sources.h); labels
//                         sort to lesion = 0, tissue = 1 unless positive =
//                         ["lesion"] is configured.
// Errors: ConfigError (options), IoError naming the folder when outdir cannot
// be created or written, IoError naming the command when vips is missing or
// fails (with its message); no half-written slide.tif is ever left behind.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medcnn/core/box.h"

namespace medcnn {

struct PhantomSlideOptions {
  int64_t width = 20000, height = 20000;  // level-0 pixels
  int lesions = 12;
  double min_radius = 150, max_radius = 400;  // pixels
  double tissue_fraction = 0.5;               // (0, 0.9]
  int patches = 0;                            // training patches to write
  int64_t patch_size = 64;
  double mpp = 0.5;        // microns per pixel recorded in the TIFF
  int jpeg_quality = 90;   // 1..100
  int threads = 0;         // render threads; 0 = medcnn::threads()
};

// Throws ConfigError naming the option.
void validate(const PhantomSlideOptions& options);

struct PhantomLesion {
  double cx = 0, cy = 0, radius = 0;  // continuous level-0 coordinates
  Box box() const;                    // tight box, class "lesion", label 0
};

class PhantomSlide {
 public:
  PhantomSlide(const PhantomSlideOptions& options, uint64_t seed);
  ~PhantomSlide();
  PhantomSlide(PhantomSlide&&) noexcept;
  PhantomSlide& operator=(PhantomSlide&&) noexcept;

  const PhantomSlideOptions& options() const;
  int64_t width() const;
  int64_t height() const;
  const std::vector<PhantomLesion>& lesions() const;
  // Index of the lesion whose disc holds the point (x, y), or -1.
  int lesion_at(double x, double y) const;
  // True when the pixel whose centre is (x, y) is tissue (lesions included).
  bool tissue_at(double x, double y) const;
  // Fraction of the slide's tissue estimated on the planning grid.
  double planned_tissue_fraction() const;

  // Level-0 pixels [x, x+w) x [y, y+h) as interleaved RGB into out (w*h*3
  // bytes). Returns the number of tissue pixels among them.
  int64_t render_rows(int64_t x, int64_t y, int64_t w, int64_t h, uint8_t* out) const;
  at::Tensor render(int64_t x, int64_t y, int64_t w, int64_t h) const;  // [3, h, w] uint8

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct PhantomSlideResult {
  std::string slide;           // outdir/slide.tif
  std::string lesions_csv;     // outdir/lesions.csv
  std::string json;            // outdir/slide.json
  std::string patch_manifest;  // outdir/patches/manifest.csv, "" without patches
  int64_t width = 0, height = 0;
  std::vector<Box> lesions;    // level-0 tight boxes, as in lesions.csv
  double tissue_fraction = 0;  // achieved, counted over every pixel
  int lesion_patches = 0, tissue_patches = 0, glass_patches = 0;
  double seconds = 0;          // time spent writing the slide
};

PhantomSlideResult write_phantom_slide(const std::string& outdir,
                                       const PhantomSlideOptions& options, uint64_t seed);

}  // namespace medcnn
