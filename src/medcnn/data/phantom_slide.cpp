// Phantom slide: planning (tissue field, lesions), per-pixel rendering, and
// writing through vips. See phantom_slide.h.
#include "medcnn/data/phantom_slide.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "medcnn/core/error.h"
#include "medcnn/core/image.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/io/box_files.h"
#include "medcnn/io/files.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {

// ---------------------------------------------------------------- hashing

inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t hash_xy(uint64_t key, int64_t x, int64_t y) {
  return mix64(key ^ mix64(static_cast<uint64_t>(x) * 0xd6e8feb86659fd93ULL ^
                           mix64(static_cast<uint64_t>(y) + 0x632be59bd9b4e019ULL)));
}

inline double unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }  // [0, 1)
inline double lattice(uint64_t key, int64_t i, int64_t j) {
  return 2.0 * unit(hash_xy(key, i, j)) - 1.0;
}
inline double smooth(double t) { return t * t * (3.0 - 2.0 * t); }
inline double clamp01(double t) { return t < 0 ? 0 : (t > 1 ? 1 : t); }
inline double lerp(double a, double b, double t) { return a + (b - a) * t; }

int64_t floor_div(double v) { return static_cast<int64_t>(std::floor(v)); }
inline uint8_t to_byte(double v) {
  return static_cast<uint8_t>(v <= 0 ? 0 : (v >= 254.5 ? 255 : static_cast<int>(v + 0.5)));
}

// Value noise at a continuous point, for per-cell decisions (not per pixel).
double noise_point(uint64_t key, double cell, double x, double y) {
  const double fx = x / cell, fy = y / cell;
  const int64_t i = floor_div(fx), j = floor_div(fy);
  const double tx = smooth(fx - static_cast<double>(i)), ty = smooth(fy - static_cast<double>(j));
  return lerp(lerp(lattice(key, i, j), lattice(key, i + 1, j), tx),
              lerp(lattice(key, i, j + 1), lattice(key, i + 1, j + 1), tx), ty);
}

// Value noise in [-1, 1] on a lattice of spacing `cell` pixels, smooth
// interpolation. Evaluated for one pixel row at a time: prepare(y, x0, x1)
// interpolates the lattice in y, value(x) in x. The same two steps serve a
// single point, so a pixel gets the same value whatever region renders it.
class RowNoise {
 public:
  RowNoise(uint64_t key, double cell) : key_(key), cell_(cell) {}
  void prepare(int64_t y, int64_t x0, int64_t x1) {
    const double fy = (static_cast<double>(y) + 0.5) / cell_;
    const int64_t j = floor_div(fy);
    const double ty = smooth(fy - static_cast<double>(j));
    i0_ = floor_div((static_cast<double>(x0) + 0.5) / cell_);
    const int64_t i1 = floor_div((static_cast<double>(x1 - 1) + 0.5) / cell_) + 1;
    a_.resize(static_cast<size_t>(i1 - i0_ + 1));
    for (int64_t i = i0_; i <= i1; ++i)
      a_[static_cast<size_t>(i - i0_)] = lerp(lattice(key_, i, j), lattice(key_, i, j + 1), ty);
  }
  double value(int64_t x) const {
    const double fx = (static_cast<double>(x) + 0.5) / cell_;
    const int64_t i = floor_div(fx);
    const size_t k = static_cast<size_t>(i - i0_);
    return lerp(a_[k], a_[k + 1], smooth(fx - static_cast<double>(i)));
  }

 private:
  uint64_t key_;
  double cell_;
  int64_t i0_ = 0;
  std::vector<double> a_;
};

// Bilinear interpolation of the planning grid (node (i, j) at pixel position
// (i * step, j * step)), prepared row by row like RowNoise.
class RowGrid {
 public:
  RowGrid(const std::vector<double>& g, int64_t gw, int64_t gh, double step)
      : g_(g), gw_(gw), gh_(gh), step_(step) {}
  void prepare(int64_t y, int64_t x0, int64_t x1) {
    const double fy = (static_cast<double>(y) + 0.5) / step_;
    const int64_t j = std::min<int64_t>(floor_div(fy), gh_ - 2);
    const double ty = fy - static_cast<double>(j);
    i0_ = std::min<int64_t>(floor_div((static_cast<double>(x0) + 0.5) / step_), gw_ - 2);
    const int64_t i1 =
        std::min<int64_t>(floor_div((static_cast<double>(x1 - 1) + 0.5) / step_) + 1, gw_ - 1);
    a_.resize(static_cast<size_t>(i1 - i0_ + 1));
    for (int64_t i = i0_; i <= i1; ++i)
      a_[static_cast<size_t>(i - i0_)] = lerp(g_[static_cast<size_t>(j * gw_ + i)],
                                              g_[static_cast<size_t>((j + 1) * gw_ + i)], ty);
  }
  double value(int64_t x) const {
    const double fx = (static_cast<double>(x) + 0.5) / step_;
    const int64_t i = std::min<int64_t>(floor_div(fx), gw_ - 2);
    const size_t k = static_cast<size_t>(i - i0_);
    return lerp(a_[k], a_[k + 1], fx - static_cast<double>(i));
  }

 private:
  const std::vector<double>& g_;
  int64_t gw_, gh_;
  double step_;
  int64_t i0_ = 0;
  std::vector<double> a_;
};

std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// Keys of the independent noise streams.
enum Stream : uint64_t {
  kOctave = 1,  // + octave index
  kPerturb = 16,
  kStain,
  kStain2,
  kLesionTex,
  kPixel,
  kNucleus,
};

// Nuclei: at most one per cell of kCell x kCell pixels, anywhere in its cell.
constexpr double kCell = 10.0;
constexpr double kMaxNucleusRadius = 5.0;
constexpr double kPerturbAmplitude = 0.03;  // edge wiggle, in field units
constexpr double kPerturbCell = 48.0;

struct Nucleus {
  double x, y, r, opacity, dark;
};

}  // namespace

// ------------------------------------------------------------------ options

void validate(const PhantomSlideOptions& o) {
  if (o.width < 256 || o.height < 256)
    throw ConfigError("--size", std::to_string(o.width) + " x " + std::to_string(o.height) +
                                    ": a phantom slide needs at least 256 pixels per side");
  if (o.width > 1000000 || o.height > 1000000)
    throw ConfigError("--size", "at most 1000000 pixels per side");
  if (o.lesions < 0)
    throw ConfigError("--lesions", "must be >= 0, got " + std::to_string(o.lesions));
  if (!(o.min_radius >= 4))
    throw ConfigError("--min-radius", "must be at least 4 pixels, got " + num(o.min_radius));
  if (!(o.max_radius >= o.min_radius))
    throw ConfigError("--max-radius", num(o.max_radius) + " is below --min-radius " +
                                          num(o.min_radius));
  const int64_t side = std::min(o.width, o.height);
  if (2 * o.max_radius + 2 > static_cast<double>(side))
    throw ConfigError("--max-radius", num(o.max_radius) + " pixels does not fit the slide (" +
                                          std::to_string(o.width) + " x " +
                                          std::to_string(o.height) + "): need 2 * radius < " +
                                          std::to_string(side));
  if (!(o.tissue_fraction > 0 && o.tissue_fraction <= 0.9))
    throw ConfigError("--tissue-fraction", "must be in (0, 0.9], got " + num(o.tissue_fraction));
  if (o.patches < 0)
    throw ConfigError("--patches", "must be >= 0, got " + std::to_string(o.patches));
  if (o.patch_size < 8)
    throw ConfigError("--patch-size", "must be at least 8 pixels, got " +
                                          std::to_string(o.patch_size));
  if (o.patch_size > side)
    throw ConfigError("--patch-size", std::to_string(o.patch_size) +
                                          " is larger than the slide (" + std::to_string(o.width) +
                                          " x " + std::to_string(o.height) + ")");
  if (!(o.mpp > 0)) throw ConfigError("--mpp", "must be > 0, got " + num(o.mpp));
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
    throw ConfigError("--quality", "must be in 1..100, got " + std::to_string(o.jpeg_quality));
  if (o.threads < 0) throw ConfigError("--threads", "must be >= 0");
}

Box PhantomLesion::box() const {
  Box b;
  b.dims = 2;
  b.lo = {cx - radius, cy - radius, 0};
  b.hi = {cx + radius, cy + radius, 0};
  b.label = 0;
  b.class_name = "lesion";
  return b;
}

// ----------------------------------------------------------------- planning

struct PhantomSlide::Impl {
  PhantomSlideOptions o;
  uint64_t seed = 0;
  uint64_t key[32] = {};
  // Planning grid of the tissue field.
  double step = 1, L0 = 1;
  int64_t gw = 0, gh = 0;
  std::vector<double> grid;
  double threshold = 0, band = 1, planned_fraction = 0;
  std::vector<PhantomLesion> lesions;

  double coarse_field(double x, double y) const {  // bilinear, no perturbation
    double fx = x / step, fy = y / step;
    int64_t i = std::clamp<int64_t>(floor_div(fx), 0, gw - 2);
    int64_t j = std::clamp<int64_t>(floor_div(fy), 0, gh - 2);
    double tx = clamp01(fx - i), ty = clamp01(fy - j);
    auto G = [&](int64_t a, int64_t b) { return grid[static_cast<size_t>(b * gw + a)]; };
    return lerp(lerp(G(i, j), G(i + 1, j), tx), lerp(G(i, j + 1), G(i + 1, j + 1), tx), ty);
  }

  // Tissue weight in [0, 1] from the perturbed field value f.
  double tissue_weight(double f) const { return smooth(clamp01((f - threshold) / band + 0.5)); }

  // The perturbed field at pixel (x, y), computed exactly as render does.
  double field_at_pixel(int64_t x, int64_t y) const {
    RowGrid rg(grid, gw, gh, step);
    RowNoise pert(key[kPerturb], kPerturbCell);
    rg.prepare(y, x, x + 1);
    pert.prepare(y, x, x + 1);
    return rg.value(x) + kPerturbAmplitude * pert.value(x);
  }

  int lesion_at(double x, double y) const {
    for (size_t k = 0; k < lesions.size(); ++k) {
      const double dx = x - lesions[k].cx, dy = y - lesions[k].cy;
      if (dx * dx + dy * dy <= lesions[k].radius * lesions[k].radius) return static_cast<int>(k);
    }
    return -1;
  }

  void plan() {
    for (uint64_t s = 0; s < 32; ++s) key[s] = mix64(mix64(seed) ^ (s * 0x9e3779b97f4a7c15ULL));
    const double W = static_cast<double>(o.width), H = static_cast<double>(o.height);
    // Planning grid: at most ~512 nodes along the long side.
    step = std::max(1.0, std::ceil(std::max(W, H) / 512.0));
    gw = static_cast<int64_t>(std::ceil(W / step)) + 2;
    gh = static_cast<int64_t>(std::ceil(H / step)) + 2;
    L0 = std::max(W, H) / 2.5;  // a few blobs across the slide
    grid.assign(static_cast<size_t>(gw * gh), 0.0);
    const double margin = 0.05 * std::min(W, H);
    std::vector<double> inside;
    for (int64_t j = 0; j < gh; ++j)
      for (int64_t i = 0; i < gw; ++i) {
        const double px = static_cast<double>(i) * step, py = static_cast<double>(j) * step;
        double f = 0, amp = 1;
        for (int oct = 0; oct < 4; ++oct) {
          const double cell = L0 / static_cast<double>(1 << oct);
          const double fx = px / cell, fy = py / cell;
          const int64_t a = floor_div(fx), b = floor_div(fy);
          const double tx = smooth(fx - a), ty = smooth(fy - b);
          const uint64_t k = key[kOctave + oct];
          f += amp * lerp(lerp(lattice(k, a, b), lattice(k, a + 1, b), tx),
                          lerp(lattice(k, a, b + 1), lattice(k, a + 1, b + 1), tx), ty);
          amp *= 0.5;
        }
        // Tissue gathers towards the middle, in rounded shapes: less of it
        // beyond an ellipse; and none at the slide's edges (a glass margin, as
        // on real slides: the octaves sum to less than 1.875).
        const double ex = (px - W / 2) / (W / 2), ey = (py - H / 2) / (H / 2);
        f -= 3.0 * std::max(0.0, std::sqrt(ex * ex + ey * ey) - 0.65);
        const double d = std::min({px, W - px, py, H - py}) / margin;
        if (d < 1) f -= 4.0 * (1 - std::max(d, 0.0)) * (1 - std::max(d, 0.0));
        grid[static_cast<size_t>(j * gw + i)] = f;
        if (px < W && py < H) inside.push_back(f);
      }
    const size_t q = std::min(inside.size() - 1, static_cast<size_t>(
        std::floor((1.0 - o.tissue_fraction) * static_cast<double>(inside.size()))));
    std::vector<double> sorted = inside;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(q), sorted.end());
    threshold = sorted[q];
    band = 16.0 / L0;  // soft tissue edge of a few pixels
    int64_t above = 0;
    for (double f : inside) above += f >= threshold;
    planned_fraction = static_cast<double>(above) / static_cast<double>(inside.size());
    place_lesions();
  }

  void place_lesions() {
    Rng rng = Rng::derive(seed, {0x1e51011ULL});
    std::vector<double> radii;
    for (int k = 0; k < o.lesions; ++k)
      radii.push_back(std::round(rng.uniform(o.min_radius, o.max_radius)));
    std::sort(radii.rbegin(), radii.rend());  // largest first packs best
    const double safe = threshold + kPerturbAmplitude + band;
    const double gap = std::max(8.0, 0.2 * o.min_radius);
    const double W = static_cast<double>(o.width), H = static_cast<double>(o.height);
    auto fits = [&](double cx, double cy, double r) {
      // Apart by a gap along x or y: neither the discs nor their boxes overlap.
      for (const auto& l : lesions)
        if (std::max(std::abs(cx - l.cx), std::abs(cy - l.cy)) < r + l.radius + gap) return false;
      if (coarse_field(cx, cy) < safe) return false;
      const double pi = 3.14159265358979323846;
      for (double frac : {0.5, 1.0}) {
        const int n = frac < 1 ? 8 : 32;
        for (int a = 0; a < n; ++a) {
          const double t = 2 * pi * a / n;
          if (coarse_field(cx + frac * (r + 2) * std::cos(t), cy + frac * (r + 2) * std::sin(t)) <
              safe)
            return false;
        }
      }
      return true;
    };
    for (double r : radii) {
      bool placed = false;
      for (int attempt = 0; attempt < 20000 && !placed; ++attempt) {
        const double cx = std::round(rng.uniform(r + 1, W - r - 1));
        const double cy = std::round(rng.uniform(r + 1, H - r - 1));
        if (fits(cx, cy, r)) {
          lesions.push_back({cx, cy, r});
          placed = true;
        }
      }
      if (!placed)
        throw ConfigError("--lesions", "could place only " + std::to_string(lesions.size()) +
                                           " of " + std::to_string(o.lesions) +
                                           " non-overlapping lesions of radius " +
                                           num(o.min_radius) + ".." + num(o.max_radius) +
                                           " inside the tissue of a " + std::to_string(o.width) +
                                           " x " + std::to_string(o.height) +
                                           " slide; lower --lesions or --max-radius, or raise "
                                           "--tissue-fraction or --size");
    }
    // Reading order (top to bottom, left to right) for the CSV.
    std::sort(lesions.begin(), lesions.end(), [](const PhantomLesion& a, const PhantomLesion& b) {
      return a.cy != b.cy ? a.cy < b.cy : a.cx < b.cx;
    });
  }

  // Nuclei whose cell lies in cell rows [j0, j1] and columns [i0, i1].
  void nuclei(int64_t i0, int64_t i1, int64_t j0, int64_t j1,
              std::vector<std::vector<Nucleus>>& rows) const {
    rows.assign(static_cast<size_t>(j1 - j0 + 1), {});
    for (int64_t j = j0; j <= j1; ++j)
      for (int64_t i = i0; i <= i1; ++i) {
        const uint64_t h = hash_xy(key[kNucleus], i, j);
        const uint64_t h2 = mix64(h);
        const double nx = (static_cast<double>(i) + unit(h2)) * kCell;
        const double ny = (static_cast<double>(j) + unit(mix64(h2))) * kCell;
        if (nx < 0 || ny < 0 || nx >= static_cast<double>(o.width) ||
            ny >= static_cast<double>(o.height))
          continue;
        const double u = unit(h), v = static_cast<double>((h >> 3) & 0xff) / 255.0;
        Nucleus n{nx, ny, 0, 0, v};
        if (lesion_at(nx, ny) >= 0) {
          if (u >= 0.8) continue;
          n.r = 2.8 + 2.2 * unit(mix64(h ^ 0x5bd1e995ULL));
          n.opacity = 0.92;
        } else {
          const double t = tissue_weight(coarse_field(nx, ny) +
                                         kPerturbAmplitude *
                                             noise_point(key[kPerturb], kPerturbCell, nx, ny));
          if (t >= 0.5) {
            if (u >= 0.22) continue;
            n.r = 2.2 + 1.8 * unit(mix64(h ^ 0x5bd1e995ULL));
            n.opacity = 0.8;
          } else {
            if (u >= 0.002) continue;  // rare debris on the glass
            n.r = 1.5 + unit(mix64(h ^ 0x5bd1e995ULL));
            n.opacity = 0.6;
          }
        }
        rows[static_cast<size_t>(j - j0)].push_back(n);
      }
  }

  int64_t render_rows(int64_t x0, int64_t y0, int64_t w, int64_t h, uint8_t* out) const {
    const int64_t x1 = x0 + w, y1 = y0 + h;
    const int64_t ci0 = floor_div((static_cast<double>(x0) - kMaxNucleusRadius - 1) / kCell);
    const int64_t ci1 = floor_div((static_cast<double>(x1) + kMaxNucleusRadius + 1) / kCell);
    const int64_t cj0 = floor_div((static_cast<double>(y0) - kMaxNucleusRadius - 1) / kCell);
    const int64_t cj1 = floor_div((static_cast<double>(y1) + kMaxNucleusRadius + 1) / kCell);
    std::vector<std::vector<Nucleus>> nuc;
    nuclei(ci0, ci1, cj0, cj1, nuc);

    RowGrid field(grid, gw, gh, step);
    RowNoise pert(key[kPerturb], kPerturbCell), stain(key[kStain], 160.0),
        stain2(key[kStain2], 24.0), lestex(key[kLesionTex], 20.0);
    std::vector<double> lw(static_cast<size_t>(w)), nw(static_cast<size_t>(w)),
        nd(static_cast<size_t>(w));
    int64_t tissue = 0;
    for (int64_t y = y0; y < y1; ++y) {
      field.prepare(y, x0, x1);
      pert.prepare(y, x0, x1);
      stain.prepare(y, x0, x1);
      stain2.prepare(y, x0, x1);
      lestex.prepare(y, x0, x1);
      const double yc = static_cast<double>(y) + 0.5;
      // Lesion weights: 1 inside, a soft edge falling to 0 at the radius.
      std::fill(lw.begin(), lw.end(), 0.0);
      for (const auto& l : lesions) {
        const double dy = yc - l.cy;
        if (std::abs(dy) > l.radius) continue;
        const double half = std::sqrt(l.radius * l.radius - dy * dy);
        const int64_t a = std::max(x0, floor_div(l.cx - half - 0.5));
        const int64_t b = std::min(x1 - 1, floor_div(l.cx + half + 0.5));
        const double edge = std::max(2.0, 0.08 * l.radius);
        for (int64_t x = a; x <= b; ++x) {
          const double dx = static_cast<double>(x) + 0.5 - l.cx;
          const double d2 = dx * dx + dy * dy;
          if (d2 > l.radius * l.radius) continue;
          lw[static_cast<size_t>(x - x0)] = smooth(clamp01((l.radius - std::sqrt(d2)) / edge));
        }
      }
      // Nuclei: the darkest cover wins, so the order of nuclei does not matter.
      std::fill(nw.begin(), nw.end(), 0.0);
      std::fill(nd.begin(), nd.end(), 0.0);
      const int64_t ja = std::max(cj0, floor_div((yc - kMaxNucleusRadius - 1) / kCell));
      const int64_t jb = std::min(cj1, floor_div((yc + kMaxNucleusRadius + 1) / kCell));
      for (int64_t j = ja; j <= jb; ++j)
        for (const Nucleus& n : nuc[static_cast<size_t>(j - cj0)]) {
          const double dy = yc - n.y;
          if (std::abs(dy) > n.r + 0.5) continue;
          const double half = std::sqrt((n.r + 0.5) * (n.r + 0.5) - dy * dy);
          const int64_t a = std::max(x0, floor_div(n.x - half - 0.5));
          const int64_t b = std::min(x1 - 1, floor_div(n.x + half + 0.5));
          for (int64_t x = a; x <= b; ++x) {
            const double dx = static_cast<double>(x) + 0.5 - n.x;
            const double cover = clamp01(n.r + 0.5 - std::sqrt(dx * dx + dy * dy)) * n.opacity;
            const size_t k = static_cast<size_t>(x - x0);
            if (cover > nw[k] || (cover == nw[k] && n.dark > nd[k])) {
              nw[k] = cover;
              nd[k] = n.dark;
            }
          }
        }
      uint8_t* p = out + (y - y0) * w * 3;
      for (int64_t x = x0; x < x1; ++x, p += 3) {
        const size_t k = static_cast<size_t>(x - x0);
        const uint64_t hp = hash_xy(key[kPixel], x, y);
        const double nl = static_cast<double>((hp & 0xffff) + ((hp >> 16) & 0xffff)) / 65535.0 - 1;
        const double nr = static_cast<double>((hp >> 32) & 0xff) / 255.0 - 0.5;
        const double ng = static_cast<double>((hp >> 40) & 0xff) / 255.0 - 0.5;
        const double nb = static_cast<double>((hp >> 48) & 0xff) / 255.0 - 0.5;
        const double f = field.value(x) + kPerturbAmplitude * pert.value(x);
        tissue += f >= threshold;
        const double t = tissue_weight(f);
        // Glass.
        double r = 241 + 3 * nl + 2 * nr, g = 240 + 3 * nl + 2 * ng, b = 243 + 3 * nl + 2 * nb;
        if (t > 0) {  // Pink tissue: eosin varies slowly, fibre-like fine texture.
          const double s = stain.value(x), s2 = stain2.value(x);
          const double lum = 1 + 0.05 * s + 0.04 * s2 + 0.05 * nl;
          const double tr = 222 * lum + 4 * nr, tg = 160 * lum * (1 + 0.06 * s) + 4 * ng,
                       tb = 192 * lum + 4 * nb;
          r += (tr - r) * t;
          g += (tg - g) * t;
          b += (tb - b) * t;
        }
        const double l = lw[k];
        if (l > 0) {  // Lesion: darker purple with its own texture.
          const double m = lestex.value(x);
          const double lum = 1 + 0.08 * m + 0.07 * nl;
          r += (165 * lum + 5 * nr - r) * l;
          g += (95 * lum + 5 * ng - g) * l;
          b += (165 * lum + 5 * nb - b) * l;
        }
        const double c = nw[k];
        if (c > 0) {  // Haematoxylin nuclei.
          const double dk = 0.85 + 0.3 * nd[k];
          r += (72 * dk - r) * c;
          g += (38 * dk - g) * c;
          b += (118 * dk - b) * c;
        }
        p[0] = to_byte(r);
        p[1] = to_byte(g);
        p[2] = to_byte(b);
      }
    }
    return tissue;
  }
};

PhantomSlide::PhantomSlide(const PhantomSlideOptions& options, uint64_t seed)
    : impl_(std::make_unique<Impl>()) {
  validate(options);
  impl_->o = options;
  impl_->seed = seed;
  impl_->plan();
}
PhantomSlide::~PhantomSlide() = default;
PhantomSlide::PhantomSlide(PhantomSlide&&) noexcept = default;
PhantomSlide& PhantomSlide::operator=(PhantomSlide&&) noexcept = default;

const PhantomSlideOptions& PhantomSlide::options() const { return impl_->o; }
int64_t PhantomSlide::width() const { return impl_->o.width; }
int64_t PhantomSlide::height() const { return impl_->o.height; }
const std::vector<PhantomLesion>& PhantomSlide::lesions() const { return impl_->lesions; }
int PhantomSlide::lesion_at(double x, double y) const { return impl_->lesion_at(x, y); }
double PhantomSlide::planned_tissue_fraction() const { return impl_->planned_fraction; }

bool PhantomSlide::tissue_at(double x, double y) const {
  if (x < 0 || y < 0 || x >= static_cast<double>(width()) || y >= static_cast<double>(height()))
    return false;
  return impl_->field_at_pixel(static_cast<int64_t>(x), static_cast<int64_t>(y)) >=
         impl_->threshold;
}

int64_t PhantomSlide::render_rows(int64_t x, int64_t y, int64_t w, int64_t h,
                                  uint8_t* out) const {
  if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > width() || y + h > height())
    throw DataError("phantom slide", "region (" + std::to_string(x) + ", " + std::to_string(y) +
                                         ") + " + std::to_string(w) + " x " + std::to_string(h) +
                                         " is not inside the " + std::to_string(width()) + " x " +
                                         std::to_string(height()) + " slide");
  return impl_->render_rows(x, y, w, h, out);
}

at::Tensor PhantomSlide::render(int64_t x, int64_t y, int64_t w, int64_t h) const {
  at::Tensor hwc = torch::empty({h, w, 3}, torch::kByte);
  render_rows(x, y, w, h, hwc.data_ptr<uint8_t>());
  return hwc.permute({2, 0, 1}).contiguous();
}

// ------------------------------------------------------------------ writing

namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

// Blocks SIGPIPE in this thread while writing into a pipe, so a child that
// dies early gives EPIPE instead of killing the program; a SIGPIPE left
// pending is consumed before the old mask is restored.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SigpipeGuard() {
    if (!sigismember(&old_, SIGPIPE)) {
      sigset_t pending;
      sigemptyset(&pending);
      if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
        timespec zero{0, 0};
        sigtimedwait(&set_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_, old_;
};

// Removes a file when it goes out of scope (unless released).
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  for (char& c : t)
    if (c == '\n') c = ' ';
  return t;
}

// Streams the slide as binary PPM into vips, which writes the pyramidal TIFF
// to `tmp`. Returns the number of tissue pixels.
int64_t stream_to_vips(const PhantomSlide& slide, const std::string& tmp, const std::string& log) {
  const auto& o = slide.options();
  const int64_t W = o.width, H = o.height;
  const double px_per_mm = 1000.0 / o.mpp;
  std::string save = tmp + "[tile,pyramid,compression=jpeg,Q=" + std::to_string(o.jpeg_quality) +
                     ",tile-width=256,tile-height=256,xres=" + num(px_per_mm) +
                     ",yres=" + num(px_per_mm);
  if (static_cast<double>(W) * static_cast<double>(H) * 3 > 4.0e9) save += ",bigtiff";
  save += "]";
  const std::string command = "vips copy stdin " + quote(save);
  const std::string shell = command + " 2>" + quote(log);

  const int threads = o.threads > 0 ? o.threads : std::max(1, medcnn::threads());
  // Strips of up to 256 rows, at most ~24 MB each; two in flight.
  const int64_t rows = std::clamp<int64_t>((24 << 20) / (W * 3), 8, 256);
  std::vector<uint8_t> buf[2] = {std::vector<uint8_t>(static_cast<size_t>(rows * W * 3)),
                                 std::vector<uint8_t>(static_cast<size_t>(rows * W * 3))};
  auto render_strip = [&](uint8_t* out, int64_t y0, int64_t h) -> int64_t {
    if (threads <= 1 || h < 2 * threads) return slide.render_rows(0, y0, W, h, out);
    std::vector<std::future<int64_t>> parts;
    const int64_t per = (h + threads - 1) / threads;
    for (int64_t a = 0; a < h; a += per) {
      const int64_t n = std::min(per, h - a);
      parts.push_back(std::async(std::launch::async, [&, a, n] {
        return slide.render_rows(0, y0 + a, W, n, out + a * W * 3);
      }));
    }
    int64_t sum = 0;
    for (auto& f : parts) sum += f.get();
    return sum;
  };

  SigpipeGuard guard;
  FILE* pipe = popen(shell.c_str(), "w");
  if (!pipe) throw IoError(command, std::string("cannot start vips: ") + std::strerror(errno));
  struct Closer {  // closes the pipe (ending vips' input) if rendering throws
    FILE*& f;
    ~Closer() {
      if (f) pclose(f);
    }
  } closer{pipe};
  bool write_ok = true;
  int64_t tissue = 0;
  {
    const std::string header = "P6\n" + std::to_string(W) + " " + std::to_string(H) + "\n255\n";
    write_ok = std::fwrite(header.data(), 1, header.size(), pipe) == header.size();
    Progress progress("phantom slide", H, "rows");
    std::future<int64_t> next;
    const int64_t strips = (H + rows - 1) / rows;
    auto strip_rows = [&](int64_t s) { return std::min(rows, H - s * rows); };
    next = std::async(std::launch::async, render_strip, buf[0].data(), 0, strip_rows(0));
    for (int64_t s = 0; s < strips; ++s) {
      tissue += next.get();
      if (s + 1 < strips)
        next = std::async(std::launch::async, render_strip, buf[(s + 1) % 2].data(),
                          (s + 1) * rows, strip_rows(s + 1));
      if (write_ok) {
        const size_t bytes = static_cast<size_t>(strip_rows(s) * W * 3);
        write_ok = std::fwrite(buf[s % 2].data(), 1, bytes, pipe) == bytes;
      }
      if (!write_ok) {
        if (next.valid()) next.wait();
        break;
      }
      progress.advance(strip_rows(s));
    }
    if (write_ok) progress.finish();
  }
  write_ok = (std::fflush(pipe) == 0) && write_ok;
  const int status = pclose(pipe);
  pipe = nullptr;
  if (!write_ok || status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = read_text(log);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) why = "vips not found: " + why;
    if (why.empty()) why = "failed (exit status " + std::to_string(status) + ")";
    throw IoError(command, why);
  }
  return tissue;
}

void make_folder(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw IoError(dir, "cannot create the output folder" +
                           (ec ? ": " + ec.message() : std::string(": a file is in the way")));
}

}  // namespace

PhantomSlideResult write_phantom_slide(const std::string& outdir,
                                       const PhantomSlideOptions& options, uint64_t seed) {
  const auto start = std::chrono::steady_clock::now();
  PhantomSlide slide(options, seed);  // validates and plans: ConfigErrors before any output
  const auto& o = slide.options();
  make_folder(outdir);
  if (std::system("command -v vips >/dev/null 2>&1") != 0)
    throw IoError("vips", "not found on PATH; install libvips-tools (vips writes the pyramidal "
                          "TIFF)");
  const fs::path root(outdir);
  const std::string stem = ".slide.tmp" + std::to_string(::getpid());
  TempFile tmp{(root / (stem + ".tif")).string()};
  TempFile log{(root / (stem + ".log")).string()};
  {
    std::ofstream probe(log.path);
    if (!probe) throw IoError(outdir, "cannot write in the output folder");
  }

  PhantomSlideResult res;
  res.width = o.width;
  res.height = o.height;
  res.slide = (root / "slide.tif").string();
  res.lesions_csv = (root / "lesions.csv").string();
  res.json = (root / "slide.json").string();

  const int64_t tissue = stream_to_vips(slide, tmp.path, log.path);
  res.tissue_fraction =
      static_cast<double>(tissue) / (static_cast<double>(o.width) * static_cast<double>(o.height));
  std::error_code ec;
  fs::rename(tmp.path, res.slide, ec);
  if (ec) throw IoError(res.slide, "cannot move the written slide into place: " + ec.message());
  tmp.path.clear();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  BoxAnnotations ann;
  ann.images = {"slide"};
  ann.class_names = {"lesion"};
  ann.sizes = {{static_cast<int>(o.width), static_cast<int>(o.height)}};
  ann.boxes.resize(1);
  for (const auto& l : slide.lesions()) {
    ann.boxes[0].push_back(l.box());
    res.lesions.push_back(l.box());
  }
  write_box_csv(res.lesions_csv, ann);

  nlohmann::json patches_json = nullptr;
  if (o.patches > 0) {
    const fs::path pdir = root / "patches";
    make_folder(pdir.string());
    Rng rng = Rng::derive(seed, {0x9a7c4e5ULL});
    const int64_t s = o.patch_size, W = o.width, H = o.height;
    const int n_lesion = slide.lesions().empty() ? 0 : (o.patches + 1) / 2;
    const int n_other = o.patches - n_lesion;
    // A few glass patches, when the slide shows glass.
    int n_glass = static_cast<int>(std::lround(0.1 * n_other));
    if (n_other >= 3 && n_glass == 0) n_glass = 1;
    struct P {
      int64_t x, y;
      std::string region;
    };
    std::vector<P> ps;
    auto clampx = [&](double v, int64_t hi) {
      return std::clamp<int64_t>(std::llround(v), 0, hi);
    };
    for (int i = 0; i < n_lesion; ++i) {
      const auto& l = slide.lesions()[static_cast<size_t>(
          rng.randint(0, static_cast<int64_t>(slide.lesions().size()) - 1))];
      // Uniform over the disc, 1 pixel inside its rim so rounding keeps it in.
      const double rho = (l.radius - 1) * std::sqrt(rng.uniform());
      const double th = rng.uniform(0, 2 * M_PI);
      ps.push_back({clampx(l.cx + rho * std::cos(th) - s / 2.0, W - s),
                    clampx(l.cy + rho * std::sin(th) - s / 2.0, H - s), "lesion"});
    }
    // Draws up to `count` patches centred on tissue (or glass) outside the
    // lesions; returns how many it found.
    auto draw = [&](int count, bool want_tissue) {
      int64_t tries = 0;
      int i = 0;
      while (i < count && ++tries <= 20000LL * (count + 1)) {
        const int64_t x = rng.randint(0, W - s), y = rng.randint(0, H - s);
        const double cx = static_cast<double>(x) + s / 2.0, cy = static_cast<double>(y) + s / 2.0;
        if (slide.lesion_at(cx, cy) >= 0) continue;
        if (want_tissue != slide.tissue_at(cx, cy)) continue;
        if (!want_tissue && (slide.tissue_at(cx - s / 2.0, cy - s / 2.0) ||
                             slide.tissue_at(cx + s / 2.0 - 1, cy + s / 2.0 - 1)))
          continue;  // glass patches: the corners are glass too
        ps.push_back({x, y, want_tissue ? "tissue" : "glass"});
        ++i;
      }
      return i;
    };
    const int glass = draw(n_glass, false);  // no glass to speak of: tissue instead
    const int want = n_other - glass;
    if (draw(want, true) < want)
      throw ConfigError("--patches", "could not find tissue outside the lesions for " +
                                         std::to_string(want) + " patches of " +
                                         std::to_string(s) + " pixels");
    std::shuffle(ps.begin(), ps.end(), rng.engine());
    const int digits = std::max<int>(4, static_cast<int>(std::to_string(o.patches).size()));
    std::string csv = "id,image,label,x,y,region\n";
    for (size_t i = 0; i < ps.size(); ++i) {
      std::string id = std::to_string(i);
      id = "p" + std::string(static_cast<size_t>(digits) - std::min<size_t>(digits, id.size()),
                             '0') + id;
      const double cx = static_cast<double>(ps[i].x) + s / 2.0,
                   cy = static_cast<double>(ps[i].y) + s / 2.0;
      const bool lesion = slide.lesion_at(cx, cy) >= 0;
      (lesion ? res.lesion_patches : ps[i].region == "glass" ? res.glass_patches
                                                             : res.tissue_patches)++;
      write_image((pdir / (id + ".png")).string(),
                  Image(slide.render(ps[i].x, ps[i].y, s, s), Geometry::identity(2),
                        PixelType::UInt8));
      csv += id + "," + id + ".png," + (lesion ? "lesion" : "tissue") + "," +
             std::to_string(ps[i].x) + "," + std::to_string(ps[i].y) + "," + ps[i].region + "\n";
    }
    res.patch_manifest = (pdir / "manifest.csv").string();
    write_file_atomically(res.patch_manifest, csv);
    patches_json = {{"count", o.patches},
                    {"size", s},
                    {"source", "generator (lossless, not read back from the JPEG TIFF)"},
                    {"manifest", "patches/manifest.csv"},
                    {"lesion", res.lesion_patches},
                    {"tissue", res.tissue_patches},
                    {"glass", res.glass_patches}};
  }

  nlohmann::json j = {{"slide", "slide.tif"},
                      {"lesions_csv", "lesions.csv"},
                      {"width", o.width},
                      {"height", o.height},
                      {"seed", seed},
                      {"mpp", o.mpp},
                      {"jpeg_quality", o.jpeg_quality},
                      {"lesion_count", slide.lesions().size()},
                      {"min_radius", o.min_radius},
                      {"max_radius", o.max_radius},
                      {"tissue_fraction_requested", o.tissue_fraction},
                      {"tissue_fraction", res.tissue_fraction},
                      {"patches", patches_json},
                      {"seconds", res.seconds}};
  write_file_atomically(res.json, j.dump(2) + "\n");
  return res;
}

}  // namespace medcnn
