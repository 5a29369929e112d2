#include "medcnn/data/phantom.h"
#include "medcnn/io/files.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/io/boxes.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

const char* const kPhantomClassNames[2] = {"benign", "malignant"};

namespace {
std::string fmt_num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

void validate(const PhantomOptions& o) {
  if (o.dims != 2 && o.dims != 3) throw ConfigError("phantom.dims", "must be 2 or 3");
  if (o.size < 16) throw ConfigError("phantom.size", "must be at least 16 pixels");
  if (o.min_lesions < 0 || o.max_lesions < o.min_lesions)
    throw ConfigError("phantom.lesions", "need 0 <= min_lesions <= max_lesions");
  if (o.min_radius < 1.0 || o.max_radius < o.min_radius)
    throw ConfigError("phantom.radius", "need 1 <= min_radius <= max_radius");
  if (o.max_radius * 2.5 > o.size * 0.4)
    throw ConfigError("phantom.radius",
                      fmt_num(o.max_radius) + " pixels is too large for size " + std::to_string(o.size) +
                          " (at most " + fmt_num(o.size * 0.16) + ")");
  if (o.noise_sd < 0) throw ConfigError("phantom.noise_sd", "must be >= 0");
  if (o.malignant_fraction < 0 || o.malignant_fraction > 1)
    throw ConfigError("phantom.malignant_fraction", "must be in [0, 1]");
  if (o.spacing <= 0) throw ConfigError("phantom.spacing", "must be > 0");
}

namespace {

using torch::indexing::Slice;

// Smooth random field in roughly [-1, 1]: coarse Gaussian noise upsampled.
torch::Tensor smooth_noise(int dims, int64_t size, int64_t coarse, at::Generator& gen) {
  std::vector<int64_t> shape{1, 1};
  for (int i = 0; i < dims; ++i) shape.push_back(coarse);
  auto small = torch::randn(shape, gen, torch::kFloat);
  std::vector<int64_t> out(dims, size);
  namespace F = torch::nn::functional;
  auto opts = F::InterpolateFuncOptions().size(out).align_corners(false);
  if (dims == 2) opts.mode(torch::kBicubic);
  else opts.mode(torch::kTrilinear);
  return F::interpolate(small, opts).squeeze(0).squeeze(0);
}

// The part of `region` connected (8- / 26-neighbourhood) to the voxel at
// `centre`: sampling a spiculated outline on the pixel grid can leave the thin
// tips of spicules as islands; ground truth must be one object per lesion.
torch::Tensor keep_connected_to(const torch::Tensor& region, const std::array<double, 3>& centre,
                                int d) {
  auto in = region.to(torch::kBool).contiguous();
  auto out = torch::zeros_like(in);
  const auto sizes = in.sizes().vec();
  std::array<int64_t, 3> shape{1, 1, 1}, seed{0, 0, 0};
  for (int k = 0; k < d; ++k) {
    shape[3 - d + k] = sizes[k];
    seed[3 - d + k] = std::clamp<int64_t>(std::llround(centre[k]), 0, sizes[k] - 1);
  }
  const bool* src = in.data_ptr<bool>();
  bool* dst = out.data_ptr<bool>();
  auto flat = [&](int64_t z, int64_t y, int64_t x) { return (z * shape[1] + y) * shape[2] + x; };
  if (!src[flat(seed[0], seed[1], seed[2])]) return out;
  std::vector<std::array<int64_t, 3>> stack{seed};
  dst[flat(seed[0], seed[1], seed[2])] = true;
  while (!stack.empty()) {
    auto p = stack.back();
    stack.pop_back();
    for (int64_t dz = -1; dz <= 1; ++dz)
      for (int64_t dy = -1; dy <= 1; ++dy)
        for (int64_t dx = -1; dx <= 1; ++dx) {
          int64_t z = p[0] + dz, y = p[1] + dy, x = p[2] + dx;
          if (z < 0 || y < 0 || x < 0 || z >= shape[0] || y >= shape[1] || x >= shape[2]) continue;
          int64_t i = flat(z, y, x);
          if (src[i] && !dst[i]) {
            dst[i] = true;
            stack.push_back({z, y, x});
          }
        }
  }
  return out;
}

struct Lesion {
  std::array<double, 3> centre;  // tensor order
  double radius;
  bool malignant;
};

}  // namespace

Sample generate_phantom(const PhantomOptions& o, uint64_t seed) {
  validate(o);
  Rng rng(seed);
  at::Generator gen = at::detail::createCPUGenerator(rng.next());
  const int d = o.dims;
  const int64_t S = o.size;

  // Coordinate grids in tensor order (z, y, x) or (y, x).
  auto axis = torch::arange(S, torch::kFloat);
  std::vector<torch::Tensor> axes(d, axis);
  auto grid = torch::meshgrid(axes, "ij");

  // Body: a soft-edged ellipse (ellipsoid) a little off centre.
  std::array<double, 3> body_c{}, body_a{};
  for (int k = 0; k < d; ++k) {
    body_c[k] = S / 2.0 + rng.uniform(-0.04, 0.04) * S;
    body_a[k] = rng.uniform(0.38, 0.46) * S;
  }
  auto rr = torch::zeros(grid[0].sizes());
  for (int k = 0; k < d; ++k) rr += ((grid[k] - body_c[k]) / body_a[k]).pow(2);
  rr = rr.sqrt();
  double mean_a = 0;
  for (int k = 0; k < d; ++k) mean_a += body_a[k] / d;
  auto body = torch::sigmoid((1.0 - rr) * mean_a / 1.5);

  auto image = 0.02 + 0.33 * body;
  // Tissue texture: coarse and fine smooth noise inside the body.
  image += body * (0.06 * smooth_noise(d, S, std::max<int64_t>(4, S / 8), gen) +
                   0.03 * smooth_noise(d, S, std::max<int64_t>(8, S / 3), gen));

  // Organ-like blobs: two or three soft ellipses of other brightness.
  int organs = static_cast<int>(rng.randint(2, 3));
  for (int j = 0; j < organs; ++j) {
    auto r2 = torch::zeros(grid[0].sizes());
    for (int k = 0; k < d; ++k) {
      double c = body_c[k] + rng.uniform(-0.45, 0.45) * body_a[k];
      double a = rng.uniform(0.10, 0.22) * S;
      r2 += ((grid[k] - c) / a).pow(2);
    }
    double level = rng.bernoulli(0.5) ? rng.uniform(0.08, 0.18) : -rng.uniform(0.06, 0.12);
    image += level * body * torch::sigmoid((1.0 - r2.sqrt()) * 4.0);
  }

  // Lesions, placed inside the body without touching each other.
  int n = static_cast<int>(rng.randint(o.min_lesions, o.max_lesions));
  std::vector<Lesion> lesions;
  for (int j = 0; j < n; ++j) {
    Lesion les{};
    les.radius = rng.uniform(o.min_radius, o.max_radius);
    les.malignant = rng.bernoulli(o.malignant_fraction);
    bool placed = false;
    // Spicules reach 1.5 radii: keep that clear of the body's edge and of
    // other lesions. Centres are drawn uniformly in the shrunken body.
    for (int attempt = 0; attempt < 500 && !placed; ++attempt) {
      std::array<double, 3> u{};
      double norm2 = 0;
      do {
        norm2 = 0;
        for (int k = 0; k < d; ++k) {
          u[k] = rng.uniform(-1, 1);
          norm2 += u[k] * u[k];
        }
      } while (norm2 > 1.0);
      for (int k = 0; k < d; ++k)
        les.centre[k] = body_c[k] + 0.9 * u[k] * (body_a[k] - 1.5 * les.radius - 2);
      placed = true;
      for (const auto& other : lesions) {
        double dist2 = 0;
        for (int k = 0; k < d; ++k) dist2 += std::pow(les.centre[k] - other.centre[k], 2);
        if (std::sqrt(dist2) < 1.5 * (les.radius + other.radius) + 2) placed = false;
      }
    }
    if (!placed)
      throw ConfigError("phantom.lesions", "cannot place " + std::to_string(n) +
                                               " lesions of radius up to " + fmt_num(o.max_radius) +
                                               " in size " + std::to_string(S) +
                                               " (fewer or smaller lesions, or a larger size)");
    lesions.push_back(les);
  }

  auto mask = torch::zeros(grid[0].sizes(), torch::kByte);
  std::vector<Box> boxes;
  for (const auto& les : lesions) {
    std::vector<torch::Tensor> off;
    auto dist2 = torch::zeros(grid[0].sizes());
    for (int k = 0; k < d; ++k) {
      off.push_back(grid[k] - les.centre[k]);
      dist2 += off.back().pow(2);
    }
    auto dist = dist2.sqrt();
    torch::Tensor R;
    if (d == 2) {
      auto theta = torch::atan2(off[0], off[1]);
      double phase = rng.uniform(0, 2 * M_PI);
      if (les.malignant) {
        int spikes = static_cast<int>(rng.randint(7, 11));
        R = les.radius * (0.75 + 0.75 * torch::clamp_min(torch::cos(spikes * (theta - phase)), 0).pow(6));
      } else {
        R = les.radius * (1.0 + 0.08 * torch::cos(2 * (theta - phase)));
      }
    } else {
      auto norm = dist.clamp_min(1e-6);
      if (les.malignant) {
        int spikes = static_cast<int>(rng.randint(12, 18));
        auto best = torch::zeros(grid[0].sizes());
        for (int s = 0; s < spikes; ++s) {
          std::array<double, 3> v{rng.normal(), rng.normal(), rng.normal()};
          double len = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
          auto dot = (off[0] * v[0] + off[1] * v[1] + off[2] * v[2]) / (norm * len);
          best = torch::maximum(best, torch::clamp_min(dot, 0).pow(30));
        }
        R = les.radius * (0.75 + 0.8 * best);
      } else {
        std::array<double, 3> v{rng.normal(), rng.normal(), rng.normal()};
        double len = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        auto dot = (off[0] * v[0] + off[1] * v[1] + off[2] * v[2]) / (norm * len);
        R = les.radius * (1.0 + 0.08 * dot.pow(2));
      }
    }
    auto inside = keep_connected_to(dist <= R, les.centre, d);
    // Soft edge of about one pixel, centred on the mask boundary.
    image += o.contrast * torch::sigmoid((R - dist) / 0.6);
    uint8_t cls = les.malignant ? 2 : 1;
    mask.masked_fill_(inside, cls);

    auto idx = torch::nonzero(inside);  // [N, d] tensor order
    if (idx.size(0) == 0) continue;
    auto lo = std::get<0>(idx.min(0)), hi = std::get<0>(idx.max(0));
    Box b;
    b.dims = d;
    for (int k = 0; k < d; ++k) {
      int axis_xyz = d - 1 - k;  // tensor axis k is image axis d-1-k
      b.lo[axis_xyz] = lo[k].item<int64_t>();
      b.hi[axis_xyz] = hi[k].item<int64_t>() + 1;
    }
    b.label = les.malignant ? 1 : 0;
    b.class_name = kPhantomClassNames[b.label];
    boxes.push_back(b);
  }

  if (o.noise_sd > 0) image += o.noise_sd * torch::randn(image.sizes(), gen, torch::kFloat);
  image = image.clamp(0.0, 1.0).contiguous();

  Geometry g = Geometry::identity(d);
  for (int k = 0; k < d; ++k) g.spacing[k] = o.spacing;
  Sample s;
  s.id = "phantom_" + std::to_string(seed);
  s.image = Image(image.unsqueeze(0), g, PixelType::Float32);
  s.image.modality = "OT";
  s.mask = Image(mask.unsqueeze(0), g, PixelType::UInt8);
  s.boxes = std::move(boxes);
  s.label = 0;
  for (const auto& les : lesions)
    if (les.malignant) s.label = 1;
  s.meta["lesions"] = std::to_string(lesions.size());
  return s;
}

std::string write_phantom_dataset(const std::string& outdir, int n, const PhantomOptions& o,
                                  uint64_t seed) {
  validate(o);
  if (n < 1) throw ConfigError("phantom.count", "must be at least 1");
  fs::path root(outdir);
  std::error_code ec;
  fs::create_directories(root / "images", ec);
  fs::create_directories(root / "masks", ec);
  if (ec) throw IoError(outdir, "cannot create folder: " + ec.message());

  const std::string ext = o.dims == 2 ? ".png" : ".nii.gz";
  std::string csv = "id,image,label,mask,boxes\n";
  nlohmann::json training = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    Sample s = generate_phantom(o, seed + static_cast<uint64_t>(i));
    char name[64];
    std::snprintf(name, sizeof name, "phantom_%04d", i);
    std::string image_rel = std::string("images/") + name + ext;
    std::string mask_rel = std::string("masks/") + name + ext;
    Image image = s.image;
    if (o.dims == 2) {
      image = s.image.with_data(
          (s.image.data * 255.0).round().clamp(0, 255).to(torch::kByte), PixelType::UInt8);
    }
    write_image((root / image_rel).string(), image);
    write_image((root / mask_rel).string(), *s.mask);
    csv += std::string(name) + "," + image_rel + "," + std::to_string(s.label) + "," + mask_rel +
           ",\"" + format_inline_boxes(s.boxes) + "\"\n";
    training.push_back({{"image", "./" + image_rel}, {"label", "./" + mask_rel}});
  }
  nlohmann::json ds = {
      {"name", "medcnn phantoms"},
      {"description", "synthetic lesions: 1 benign (round), 2 malignant (spiculated)"},
      {"tensorImageSize", o.dims == 2 ? "2D" : "3D"},
      {"modality", {{"0", "OT"}}},
      {"labels", {{"0", "background"}, {"1", "benign"}, {"2", "malignant"}}},
      {"numTraining", n},
      {"numTest", 0},
      {"training", training},
      {"test", nlohmann::json::array()}};
  write_file_atomically((root / "dataset.json").string(), ds.dump(2) + "\n");
  write_file_atomically((root / "manifest.csv").string(), csv);
  return (root / "manifest.csv").string();
}

}  // namespace medcnn
