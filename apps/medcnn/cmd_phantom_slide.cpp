// `medcnn phantom-slide OUTDIR`: write a synthetic H&E-like whole-slide image
// (pyramidal TIFF), its lesion boxes and, optionally, training patches.
#include <iomanip>
#include <iostream>
#include <memory>

#include "medcnn/command.h"
#include "medcnn/data/phantom_slide.h"

namespace medcnn::cli {
namespace {

struct PhantomSlideArgs {
  std::string outdir;
  int64_t size = 20000;
  int64_t width = 0, height = 0;
  uint64_t seed = 0;
  PhantomSlideOptions options;
};

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<PhantomSlideArgs>();
  auto* cmd = app.add_subcommand(
      "phantom-slide",
      "Write a synthetic H&E-like whole-slide image with lesions: slide.tif (pyramidal tiled\n"
      "JPEG TIFF), lesions.csv (level-0 boxes), slide.json and, with --patches, patches/ with\n"
      "manifest.csv (labels lesion / tissue) for a patch classifier");
  cmd->add_option("outdir", args->outdir, "output folder")->required();
  cmd->add_option("--size", args->size, "pixels per side (default 20000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--width", args->width, "width in pixels (overrides --size)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--height", args->height, "height in pixels (overrides --size)")
      ->check(CLI::PositiveNumber);
  auto& o = args->options;
  cmd->add_option("--lesions", o.lesions, "number of lesions (default 12)");
  cmd->add_option("--min-radius", o.min_radius, "smallest lesion radius, pixels (default 150)");
  cmd->add_option("--max-radius", o.max_radius, "largest lesion radius, pixels (default 400)");
  cmd->add_option("--tissue-fraction", o.tissue_fraction,
                  "share of the slide covered by tissue (default 0.5)");
  cmd->add_option("--patches", o.patches, "training patches to write (default 0)");
  cmd->add_option("--patch-size", o.patch_size, "patch side, pixels (default 64)");
  cmd->add_option("--mpp", o.mpp, "microns per pixel recorded in the TIFF (default 0.5)");
  cmd->add_option("--quality", o.jpeg_quality, "JPEG quality of the tiles (default 90)");
  auto* seed = cmd->add_option("--seed", args->seed, "seed (default: the global --seed)");
  cmd->callback([args, seed, &globals] {
    PhantomSlideOptions opts = args->options;
    opts.width = args->width > 0 ? args->width : args->size;
    opts.height = args->height > 0 ? args->height : args->size;
    const uint64_t s = seed->count() > 0 ? args->seed : globals.seed;
    PhantomSlideResult r = write_phantom_slide(args->outdir, opts, s);
    std::cout << "wrote " << r.slide << " (" << r.width << " x " << r.height << ", "
              << r.lesions.size() << " lesions, tissue " << std::fixed << std::setprecision(3)
              << r.tissue_fraction << ", " << std::setprecision(1) << r.seconds << " s)\n";
    std::cout << "lesion boxes: " << r.lesions_csv << "\n";
    if (!r.patch_manifest.empty())
      std::cout << "patches: " << r.patch_manifest << " (" << r.lesion_patches << " lesion, "
                << r.tissue_patches << " tissue, " << r.glass_patches << " glass)\n";
  });
}

// The subcommand's name has a dash, so it registers without MEDCNN_COMMAND.
const CommandRegistrar registrar("phantom-slide", setup);

}  // namespace
}  // namespace medcnn::cli
