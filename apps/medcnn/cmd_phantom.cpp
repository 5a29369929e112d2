// `medcnn phantom OUTDIR`: write a synthetic data set with exact ground truth.
#include <iostream>

#include "medcnn/command.h"
#include "medcnn/data/phantom.h"

namespace medcnn::cli {

// Adds the phantom options to a subcommand (shared with `demo`).
void add_phantom_options(CLI::App* cmd, PhantomOptions& o) {
  cmd->add_option("--dims", o.dims, "2 or 3")->check(CLI::IsMember({2, 3}));
  cmd->add_option("--size", o.size, "pixels per side");
  cmd->add_option("--min-lesions", o.min_lesions, "fewest lesions per image");
  cmd->add_option("--max-lesions", o.max_lesions, "most lesions per image");
  cmd->add_option("--min-radius", o.min_radius, "smallest lesion radius, pixels");
  cmd->add_option("--max-radius", o.max_radius, "largest lesion radius, pixels");
  cmd->add_option("--contrast", o.contrast, "lesion brightness over tissue");
  cmd->add_option("--noise", o.noise_sd, "Gaussian noise standard deviation");
  cmd->add_option("--malignant-fraction", o.malignant_fraction,
                  "chance that a lesion is spiculated (malignant)");
  cmd->add_option("--spacing", o.spacing, "pixel spacing in mm");
}

namespace {
struct PhantomArgs {
  std::string outdir;
  int count = 32;
  PhantomOptions options;
};

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<PhantomArgs>();
  auto* cmd = app.add_subcommand(
      "phantom",
      "Write synthetic images with lesions (round = benign, spiculated = malignant), their\n"
      "masks, boxes and labels: manifest.csv and dataset.json in OUTDIR");
  cmd->add_option("outdir", args->outdir, "output folder")->required();
  cmd->add_option("-n,--count", args->count, "number of images")->check(CLI::PositiveNumber);
  add_phantom_options(cmd, args->options);
  cmd->callback([args, &globals] {
    std::string manifest =
        write_phantom_dataset(args->outdir, args->count, args->options, globals.seed);
    std::cout << "wrote " << args->count << " " << args->options.dims << "-D phantoms: "
              << manifest << "\n";
  });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(phantom, medcnn::cli::setup);
