// `medcnn convert IN OUT`: read any supported image, write it in another format.
#include <iostream>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/io/dicom.h"
#include "medcnn/io/image_io.h"

namespace medcnn::cli {
namespace {
struct ConvertArgs {
  std::string in, out, series_uid;
};

void setup(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert an image between formats, keeping geometry where the output format can hold it\n"
      "(NIfTI, NRRD, MetaImage, PNG, TIFF, JPEG out; anything `inspect` reads in)");
  cmd->add_option("input", args->in, "image file or DICOM series folder")->required();
  cmd->add_option("output", args->out, "output file (.nii.gz, .nrrd, .mha, .png, .tif, ...)")
      ->required();
  cmd->add_option("--series-uid", args->series_uid,
                  "SeriesInstanceUID to read when a DICOM folder holds several series");
  cmd->callback([args] {
    Image image = args->series_uid.empty() ? read_image(args->in)
                                           : read_dicom_series(args->in, args->series_uid);
    write_image(args->out, image);
    std::cout << args->in << " -> " << args->out << ": " << image.summary() << "\n";
  });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(convert, medcnn::cli::setup);
