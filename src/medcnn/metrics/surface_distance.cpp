#include "medcnn/metrics/surface_distance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "medcnn/core/error.h"

namespace medcnn {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Squared distance transform of one line in place (Felzenszwalb & Huttenlocher
// 2012, with sample spacing s and +inf for "no feature"): f[q] becomes
// min_p ((q - p) s)^2 + f[p]. v, z, out are work buffers of length n, n + 1, n.
void envelope_1d(double* f, int64_t n, double s, std::vector<int64_t>& v, std::vector<double>& z,
                 std::vector<double>& out) {
  int64_t k = -1;
  for (int64_t q = 0; q < n; ++q) {
    if (f[q] == kInf) continue;
    const double hq = f[q] + (q * s) * (q * s);
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -kInf;
      z[1] = kInf;
      continue;
    }
    double x;  // where the parabola of q meets the lowest one so far
    while (true) {
      const int64_t p = v[static_cast<size_t>(k)];
      const double hp = f[p] + (p * s) * (p * s);
      x = (hq - hp) / (2.0 * s * static_cast<double>(q - p));
      if (x > z[static_cast<size_t>(k)]) break;  // z[0] = -inf stops this at k = 0
      --k;
    }
    ++k;
    v[static_cast<size_t>(k)] = q;
    z[static_cast<size_t>(k)] = x;
    z[static_cast<size_t>(k) + 1] = kInf;
  }
  if (k < 0) return;  // no feature on this line: stays +inf
  int64_t j = 0;
  for (int64_t q = 0; q < n; ++q) {
    const double xq = q * s;
    while (z[static_cast<size_t>(j) + 1] < xq) ++j;
    const int64_t p = v[static_cast<size_t>(j)];
    const double d = static_cast<double>(q - p) * s;
    out[static_cast<size_t>(q)] = d * d + f[p];
  }
  std::copy(out.begin(), out.begin() + n, f);
}

}  // namespace

size_t Grid::voxels() const {
  size_t n = 1;
  for (int64_t s : shape) n *= static_cast<size_t>(s);
  return n;
}

size_t check_grid(const Grid& grid, const std::string& where) {
  const size_t d = grid.shape.size();
  if (d < 1 || d > 3)
    throw DataError(where, "grid shape must have 1, 2 or 3 axes, got " + std::to_string(d));
  for (size_t a = 0; a < d; ++a)
    if (grid.shape[a] < 1)
      throw DataError(where, "grid shape[" + std::to_string(a) + "] = " +
                                 std::to_string(grid.shape[a]) + " must be at least 1");
  if (!grid.spacing.empty() && grid.spacing.size() != d)
    throw DataError(where, "grid spacing has " + std::to_string(grid.spacing.size()) +
                               " values but the shape has " + std::to_string(d) + " axes");
  for (size_t a = 0; a < grid.spacing.size(); ++a)
    if (!(std::isfinite(grid.spacing[a]) && grid.spacing[a] > 0)) {
      std::ostringstream os;
      os << "grid spacing[" << a << "] = " << grid.spacing[a] << " must be finite and > 0";
      throw DataError(where, os.str());
    }
  return grid.voxels();
}

std::vector<uint8_t> surface_mask(const uint8_t* mask, const Grid& grid) {
  const size_t n = check_grid(grid, "surface_mask");
  const size_t d = grid.shape.size();
  std::vector<size_t> stride(d, 1);
  for (size_t a = d - 1; a > 0; --a) stride[a - 1] = stride[a] * static_cast<size_t>(grid.shape[a]);
  std::vector<uint8_t> surf(n, 0);
  std::vector<int64_t> coord(d, 0);  // coordinates of voxel i, advanced with i
  for (size_t i = 0; i < n; ++i) {
    if (mask[i]) {
      bool edge = false;
      for (size_t a = 0; a < d && !edge; ++a) {
        const int64_t c = coord[a];
        edge = c == 0 || c == grid.shape[a] - 1 || !mask[i - stride[a]] || !mask[i + stride[a]];
      }
      surf[i] = edge ? 1 : 0;
    }
    for (size_t a = d; a-- > 0;) {  // next coordinate, last axis fastest
      if (++coord[a] < grid.shape[a]) break;
      coord[a] = 0;
    }
  }
  return surf;
}

std::vector<double> distance_to_features(const uint8_t* features, const Grid& grid) {
  const size_t n = check_grid(grid, "distance_to_features");
  const size_t d = grid.shape.size();
  std::vector<double> f(n);
  for (size_t i = 0; i < n; ++i) f[i] = features[i] ? 0.0 : kInf;
  int64_t longest = 0;
  for (int64_t s : grid.shape) longest = std::max(longest, s);
  const size_t L = static_cast<size_t>(longest);
  std::vector<int64_t> v(L);
  std::vector<double> z(L + 1), out(L), line(L);
  for (size_t a = 0; a < d; ++a) {
    const int64_t len = grid.shape[a];
    size_t inner = 1;  // stride of axis a
    for (size_t b = a + 1; b < d; ++b) inner *= static_cast<size_t>(grid.shape[b]);
    const size_t outer = n / (inner * static_cast<size_t>(len));
    const double s = grid.spacing_of(a);
    for (size_t o = 0; o < outer; ++o)
      for (size_t in = 0; in < inner; ++in) {
        const size_t base = o * inner * static_cast<size_t>(len) + in;
        for (int64_t q = 0; q < len; ++q) line[static_cast<size_t>(q)] = f[base + q * inner];
        envelope_1d(line.data(), len, s, v, z, out);
        for (int64_t q = 0; q < len; ++q) f[base + q * inner] = line[static_cast<size_t>(q)];
      }
  }
  for (double& x : f) x = std::sqrt(x);  // sqrt(inf) = inf
  return f;
}

double percentile_linear(std::vector<double>& values, double q) {
  const size_t n = values.size();
  if (n == 0) return kNaN;
  // numpy: virtual index (n - 1) * q / 100, then _lerp of its two neighbours.
  const double virt = static_cast<double>(n - 1) * (q / 100.0);
  const double lo_f = std::floor(virt);
  const size_t lo = std::min(static_cast<size_t>(std::max(lo_f, 0.0)), n - 1);
  const size_t hi = std::min(lo + 1, n - 1);
  const double t = virt - lo_f;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double a = values[lo];
  double b = a;
  if (hi != lo) b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1,
                                      values.end());
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

SurfaceDistances surface_distances(const uint8_t* pred_mask, const uint8_t* ref_mask,
                                   const Grid& grid, const uint8_t* roi) {
  const size_t n = check_grid(grid, "surface_distances");
  std::vector<uint8_t> pm(n), rm(n);
  bool any_p = false, any_r = false;
  for (size_t i = 0; i < n; ++i) {
    const bool in = roi == nullptr || roi[i] != 0;
    pm[i] = in && pred_mask[i] != 0;
    rm[i] = in && ref_mask[i] != 0;
    any_p = any_p || pm[i];
    any_r = any_r || rm[i];
  }
  SurfaceDistances r;
  r.pred_empty = !any_p;
  r.ref_empty = !any_r;
  if (!any_p && !any_r) return r;  // all 0
  if (!any_p || !any_r) {
    r.hausdorff = r.hausdorff95 = r.assd = r.masd = kNaN;
    return r;
  }
  const std::vector<uint8_t> sp = surface_mask(pm.data(), grid);
  const std::vector<uint8_t> sr = surface_mask(rm.data(), grid);
  const std::vector<double> to_ref = distance_to_features(sr.data(), grid);
  const std::vector<double> to_pred = distance_to_features(sp.data(), grid);
  std::vector<double> a_to_b, b_to_a;  // pred surface -> ref surface, and back
  for (size_t i = 0; i < n; ++i) {
    if (sp[i]) a_to_b.push_back(to_ref[i]);
    if (sr[i]) b_to_a.push_back(to_pred[i]);
  }
  double sum_ab = 0, sum_ba = 0, max_ab = 0, max_ba = 0;
  for (double x : a_to_b) {
    sum_ab += x;
    max_ab = std::max(max_ab, x);
  }
  for (double x : b_to_a) {
    sum_ba += x;
    max_ba = std::max(max_ba, x);
  }
  const double n_ab = static_cast<double>(a_to_b.size()), n_ba = static_cast<double>(b_to_a.size());
  r.hausdorff = std::max(max_ab, max_ba);
  r.assd = (sum_ab + sum_ba) / (n_ab + n_ba);
  r.masd = (sum_ab / n_ab + sum_ba / n_ba) / 2.0;
  r.hausdorff95 = std::max(percentile_linear(a_to_b, 95.0), percentile_linear(b_to_a, 95.0));
  return r;
}

}  // namespace medcnn
