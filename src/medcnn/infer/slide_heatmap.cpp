#include "medcnn/infer/slide_heatmap.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/transforms/crop_pad/otsu_foreground_mask.h"

namespace medcnn {
namespace {

void check(const SlideHeatmapOptions& o, const Slide& slide) {
  if (o.level < 0 || o.level >= slide.level_count())
    throw ConfigError("level", "slide " + slide.path() + " has levels 0.." +
                                   std::to_string(slide.level_count() - 1));
  if (o.mask_level >= slide.level_count())
    throw ConfigError("mask_level", "slide " + slide.path() + " has levels 0.." +
                                        std::to_string(slide.level_count() - 1));
  if (o.patch < 1 || o.stride < 1 || o.tile < 1 || o.batch < 1)
    throw ConfigError("slide", "patch, stride, tile and batch must be at least 1");
  if (o.min_tissue < 0 || o.min_tissue > 1)
    throw ConfigError("min_tissue", "must lie in [0, 1]");
}

// The tissue share of every grid cell, from Otsu's threshold of the slide's
// luminance at the mask level.
at::Tensor tissue_share(const Slide& slide, int mask_level, int64_t rows, int64_t cols,
                        double* threshold) {
  const auto [mw, mh] = slide.level_size(mask_level);
  if (mw * mh > int64_t(8192) * 8192)
    throw ConfigError("mask_level", "level " + std::to_string(mask_level) + " of " + slide.path() +
                                        " is " + std::to_string(mw) + "x" + std::to_string(mh) +
                                        ": too large for the tissue mask (the slide needs a "
                                        "pyramid, or give a coarser mask level)");
  // float64 like skimage: a threshold at a bin centre next to a mode must not
  // move by float32 rounding
  at::Tensor rgb = slide.read_region(0, 0, mask_level, mw, mh).data.to(torch::kDouble);
  at::Tensor lum = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  *threshold = OtsuForegroundMask::otsu_threshold(lum);
  // skimage's threshold is the centre of the last bin of the dark class:
  // the whole bin is tissue (flat-coloured regions sit on a bin's edge)
  const double bin = (lum.max().item<double>() - lum.min().item<double>()) / 256.0;
  at::Tensor tissue = lum.le(*threshold + bin / 2).to(torch::kFloat).unsqueeze(0).unsqueeze(0);
  return torch::adaptive_avg_pool2d(tissue, {rows, cols})[0][0];
}

}  // namespace

SlideHeatmap slide_heatmap(const Slide& slide, const std::vector<NetworkPtr>& models,
                           const Compose& preprocess, const SlideHeatmapOptions& o) {
  check(o, slide);
  if (models.empty()) throw ConfigError("model", "no model to run");
  for (const auto& m : models) {
    if (m->spec().spatial_dims != 2 || m->spec().in_channels != 3)
      throw DataError("model", "the patch classifier must take 2-D RGB patches (3 channels); "
                               "this one takes " + std::to_string(m->spec().in_channels) +
                                   " channel(s) in " + std::to_string(m->spec().spatial_dims) +
                                   "-D");
    if (o.positive_class < 0 || o.positive_class >= m->spec().num_classes)
      throw ConfigError("positive_class", "the model has " +
                                              std::to_string(m->spec().num_classes) + " classes");
  }
  SlideHeatmap h;
  const auto [w0, h0] = slide.level_size(0);
  h.width = w0;
  h.height = h0;
  const auto [W, H] = slide.level_size(o.level);
  const double ds = slide.level_downsample(o.level);
  const int64_t s = o.stride, rows = (H + s - 1) / s, cols = (W + s - 1) / s;
  h.cell_level0 = double(s) * ds;
  h.cells = rows * cols;
  int mask_level = o.mask_level;
  if (mask_level < 0) {  // the coarsest level at least 512 pixels a side
    mask_level = 0;
    for (int l = 1; l < slide.level_count(); ++l) {
      const auto [lw, lh] = slide.level_size(l);
      if (std::min(lw, lh) >= 512) mask_level = l;
    }
  }
  h.tissue = tissue_share(slide, mask_level, rows, cols, &h.otsu_threshold).ge(o.min_tissue);
  h.probability = torch::zeros({rows, cols}, torch::kFloat);

  const c10::Device device(o.device);
  std::vector<InferenceModel> fast(models.size());
  std::vector<bool> traced(models.size(), false);
  for (const auto& m : models) m->eval();
  torch::NoGradGuard no_grad;
  auto classify = [&](std::vector<at::Tensor>& patches, std::vector<std::pair<int64_t, int64_t>>& at) {
    if (patches.empty()) return;
    at::Tensor x = torch::stack(patches).to(device);
    at::Tensor p;
    for (size_t k = 0; k < models.size(); ++k) {
      if (o.optimize && !traced[k]) {
        fast[k] = optimize_for_inference(models[k], x);
        traced[k] = true;
      }
      at::Tensor y = (o.optimize ? fast[k].forward(x) : models[k]->forward(x)).to(torch::kFloat);
      at::Tensor q = torch::softmax(y, 1).select(1, o.positive_class).cpu();
      p = p.defined() ? p + q : q;
    }
    p = p / double(models.size());
    auto pa = p.accessor<float, 1>();
    auto out = h.probability.accessor<float, 2>();
    for (size_t i = 0; i < at.size(); ++i) out[at[i].first][at[i].second] = pa[int64_t(i)];
    h.patches_classified += int64_t(at.size());
    patches.clear();
    at.clear();
  };

  const int64_t tc = std::max<int64_t>(1, o.tile / s);  // cells per tile side
  auto tissue = h.tissue.accessor<bool, 2>();
  std::vector<at::Tensor> patches;
  std::vector<std::pair<int64_t, int64_t>> where;
  int64_t done = 0;
  Rng rng(0);
  for (int64_t ty = 0; ty < rows; ty += tc) {
    for (int64_t tx = 0; tx < cols; tx += tc) {
      const int64_t nr = std::min(tc, rows - ty), nc = std::min(tc, cols - tx);
      bool any = false;
      for (int64_t i = 0; i < nr && !any; ++i)
        for (int64_t j = 0; j < nc && !any; ++j) any = tissue[ty + i][tx + j];
      done += nr * nc;
      if (any) {
        // The tile's region (level pixels): every patch of its cells inside.
        const int64_t x0 = tx * s + s / 2 - o.patch / 2, y0 = ty * s + s / 2 - o.patch / 2;
        const int64_t rw = (nc - 1) * s + o.patch, rh = (nr - 1) * s + o.patch;
        Image region = slide.read_region(int64_t(std::llround(double(x0) * ds)),
                                         int64_t(std::llround(double(y0) * ds)), o.level, rw, rh);
        for (int64_t i = 0; i < nr; ++i)
          for (int64_t j = 0; j < nc; ++j) {
            if (!tissue[ty + i][tx + j]) continue;
            Sample p;
            p.id = "patch";
            p.image = region.with_data(
                region.data.narrow(1, i * s, o.patch).narrow(2, j * s, o.patch).contiguous(),
                region.pixel_type);
            preprocess.apply(p, rng);
            patches.push_back(p.image.data.to(torch::kFloat));
            where.emplace_back(ty + i, tx + j);
            if (int64_t(patches.size()) == o.batch) classify(patches, where);
          }
      }
      if (o.progress) o.progress(done, h.cells);
    }
  }
  classify(patches, where);
  return h;
}

std::vector<Box> heatmap_detections(const SlideHeatmap& heatmap, double threshold) {
  at::Tensor p = heatmap.probability.contiguous();
  const int64_t rows = p.size(0), cols = p.size(1);
  auto pa = p.accessor<float, 2>();
  std::vector<int64_t> parent(size_t(rows * cols));
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int64_t(int64_t)> find = [&](int64_t a) {
    while (parent[size_t(a)] != a) a = parent[size_t(a)] = parent[size_t(parent[size_t(a)])];
    return a;
  };
  auto on = [&](int64_t r, int64_t c) { return pa[r][c] >= threshold; };
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      if (!on(r, c)) continue;
      for (auto [dr, dc] : {std::pair<int64_t, int64_t>{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}}) {
        const int64_t rr = r + dr, cc = c + dc;
        if (rr >= 0 && cc >= 0 && cc < cols && on(rr, cc))
          parent[size_t(find(r * cols + c))] = find(rr * cols + cc);
      }
    }
  std::vector<Box> out;
  std::vector<int64_t> index(size_t(rows * cols), -1);
  const double cell = heatmap.cell_level0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      if (!on(r, c)) continue;
      const int64_t root = find(r * cols + c);
      if (index[size_t(root)] < 0) {
        index[size_t(root)] = int64_t(out.size());
        Box b;
        b.dims = 2;
        b.label = 0;
        b.lo = {double(c) * cell, double(r) * cell, 0};
        b.hi = {double(c + 1) * cell, double(r + 1) * cell, 0};
        b.score = pa[r][c];
        out.push_back(b);
      }
      Box& b = out[size_t(index[size_t(root)])];
      b.lo[0] = std::min(b.lo[0], double(c) * cell);
      b.lo[1] = std::min(b.lo[1], double(r) * cell);
      b.hi[0] = std::max(b.hi[0], double(c + 1) * cell);
      b.hi[1] = std::max(b.hi[1], double(r + 1) * cell);
      b.score = std::max(b.score, pa[r][c]);
    }
  for (Box& b : out) {  // the last row and column of cells may reach past the slide
    b.hi[0] = std::min(b.hi[0], double(heatmap.width));
    b.hi[1] = std::min(b.hi[1], double(heatmap.height));
  }
  std::stable_sort(out.begin(), out.end(), [](const Box& a, const Box& b) { return a.score > b.score; });
  return out;
}

}  // namespace medcnn
