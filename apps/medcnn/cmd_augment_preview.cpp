// `medcnn augment-preview IMAGE --config C.toml`: shows what a config's
// transform chain does to one image. The chain runs n times, sample i with
// Rng::derive(--seed, {i}), and the results are written as one grid PNG:
// RGB uint8, ceil(sqrt(n)) tiles per row, tiles separated by `--gap` black
// pixels, every tile min-max scaled on its own (3-channel images in colour,
// otherwise channel 0 in grey), placed top-left in cells as large as the
// largest tile; the mask's outline (label changes, 4-neighbourhood) is drawn
// in red when --mask is given. 3-D images show the axial slice --slice of
// each result (default its middle slice).
#include <torch/torch.h>

#include <cmath>
#include <iostream>

#include "medcnn/command.h"
#include "medcnn/config/config.h"
#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"

namespace medcnn::cli {
namespace {

struct PreviewArgs {
  std::string image, config, mask, out = "augment-preview.png";
  int count = 16;
  int slice = -1;
  int gap = 2;
  std::vector<std::string> overrides;
};

// [H, W] slice of a label map / [C, H, W] slice of an image.
at::Tensor plane(const Image& im, int slice, const std::string& what) {
  if (im.dims() == 2) return im.data;
  if (im.dims() != 3)
    throw ConfigError(what, "augment-preview shows 2-D and 3-D images, this one is " +
                                std::to_string(im.dims()) + "-D");
  const int64_t depth = im.data.size(1);
  const int64_t z = slice < 0 ? depth / 2 : slice;
  if (z >= depth)
    throw ConfigError("--slice", std::to_string(slice) + " is outside the volume (" +
                                     std::to_string(depth) + " axial slices after the transforms)");
  return im.data.select(1, z);
}

// [3, H, W] uint8 tile: min-max scaled, mask outline in red.
at::Tensor make_tile(const Sample& s, int slice) {
  at::Tensor p = plane(s.image, slice, s.id).to(torch::kFloat);
  at::Tensor rgb = p.size(0) == 3 ? p : p.narrow(0, 0, 1).expand({3, p.size(1), p.size(2)});
  const float lo = rgb.min().item<float>(), hi = rgb.max().item<float>();
  at::Tensor scaled = hi > lo ? (rgb - lo) * (255.0f / (hi - lo)) : torch::zeros_like(rgb);
  at::Tensor tile = scaled.round().clamp(0, 255).to(torch::kUInt8).contiguous();
  if (s.mask) {
    at::Tensor m = plane(*s.mask, slice, s.id)[0].to(torch::kLong);
    // Replicate the border so the image edge is not an outline.
    at::Tensor padded =
        torch::replication_pad2d(m.unsqueeze(0).unsqueeze(0).to(torch::kFloat), {1, 1, 1, 1})
            .squeeze(0)
            .squeeze(0);
    const int64_t h = m.size(0), w = m.size(1);
    using torch::indexing::Slice;
    at::Tensor mf = m.to(torch::kFloat);
    at::Tensor edge = padded.index({Slice(0, h), Slice(1, w + 1)}).ne(mf) |
                      padded.index({Slice(2, h + 2), Slice(1, w + 1)}).ne(mf) |
                      padded.index({Slice(1, h + 1), Slice(0, w)}).ne(mf) |
                      padded.index({Slice(1, h + 1), Slice(2, w + 2)}).ne(mf);
    edge = edge & m.ne(0);
    tile[0].masked_fill_(edge, 255);
    tile[1].masked_fill_(edge, 0);
    tile[2].masked_fill_(edge, 0);
  }
  return tile;
}

void run(const PreviewArgs& a, const GlobalOptions& g) {
  nlohmann::json config = load_config(a.config);
  apply_overrides(config, a.overrides);
  Compose chain = transforms_from_config(config, a.config);

  Sample base;
  base.id = a.image;
  base.image = read_image(a.image);
  base.image = base.image.with_data(base.image.data.to(torch::kFloat), PixelType::Float32);
  if (!a.mask.empty()) {
    base.mask = read_image(a.mask);
    check_same_grid(base.image, *base.mask, a.mask);
  }

  std::vector<at::Tensor> tiles;
  int64_t th = 0, tw = 0;
  for (int i = 0; i < a.count; ++i) {
    Sample s = base;
    s.image.data = base.image.data.clone();
    if (s.mask) s.mask->data = base.mask->data.clone();
    Rng rng = Rng::derive(g.seed, {static_cast<uint64_t>(i)});
    chain.apply(s, rng);
    tiles.push_back(make_tile(s, a.slice));
    th = std::max(th, tiles.back().size(1));
    tw = std::max(tw, tiles.back().size(2));
  }
  const int64_t cols = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(a.count))));
  const int64_t rows = (a.count + cols - 1) / cols;
  const int64_t gap = a.gap;
  at::Tensor grid =
      torch::zeros({3, rows * th + (rows - 1) * gap, cols * tw + (cols - 1) * gap}, torch::kUInt8);
  using torch::indexing::Slice;
  for (int64_t i = 0; i < static_cast<int64_t>(tiles.size()); ++i) {
    const int64_t y = (i / cols) * (th + gap), x = (i % cols) * (tw + gap);
    const at::Tensor& t = tiles[static_cast<size_t>(i)];
    grid.index_put_({Slice(), Slice(y, y + t.size(1)), Slice(x, x + t.size(2))}, t);
  }
  write_image(a.out, Image::from_tensor(grid, 2));
  std::cout << "wrote " << a.out << ": " << a.count << " samples of " << chain.transforms().size()
            << " transform(s), " << rows << "x" << cols << " tiles of " << th << "x" << tw
            << " pixels\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<PreviewArgs>();
  auto* cmd = app.add_subcommand(
      "augment-preview",
      "Apply a config's transform chain n times to one image (seeds from --seed) and write\n"
      "the results as one grid PNG (mask outline in red)");
  cmd->add_option("image", args->image, "image file (2-D or 3-D)")->required();
  cmd->add_option("-c,--config", args->config, "TOML config with [[transforms]] tables")
      ->required();
  cmd->add_option("-m,--mask", args->mask, "label map on the image's grid");
  cmd->add_option("-n,--count", args->count, "samples to draw (default 16)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("-o,--out", args->out, "grid PNG to write (default augment-preview.png)");
  cmd->add_option("--slice", args->slice, "axial slice of 3-D results (default the middle)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--gap", args->gap, "black pixels between tiles (default 2)")
      ->check(CLI::Range(0, 64));
  cmd->add_option("--set", args->overrides, "config override KEY.PATH=VALUE (repeatable)");
  cmd->callback([args, &globals] { run(*args, globals); });
}

}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(augment_preview, medcnn::cli::setup);
