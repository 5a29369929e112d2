#include "medcnn/transforms/spatial/rand_affine.h"

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/resample_ops.h"

namespace medcnn {

using spatial_ops::Matrix;

namespace {

bool is_num(const Params& v) { return v.is_number(); }

// Parses one range parameter: absent, a number r (centre +- r), a list of
// numbers (centre +- r_k) or a list of [lo, hi] pairs.
std::vector<std::pair<double, double>> parse_range(const Params& p, const std::string& where,
                                                   double centre, bool scale) {
  std::vector<std::pair<double, double>> out;
  const auto plus_minus = [&](double r) {
    if (!(r >= 0.0)) throw ConfigError(where, "a half-width must be >= 0, got " + std::to_string(r));
    return std::make_pair(centre - r, centre + r);
  };
  const auto pair_of = [&](const Params& v) {
    if (!v.is_array() || v.size() != 2 || !is_num(v[0]) || !is_num(v[1]))
      throw ConfigError(where, "expected [lo, hi] pairs");
    const double lo = v[0].get<double>(), hi = v[1].get<double>();
    if (!(lo <= hi)) throw ConfigError(where, "lo > hi in a [lo, hi] pair");
    return std::make_pair(lo, hi);
  };
  if (p.is_null() || !p.contains(where.substr(where.find('.') + 1))) {
    out.emplace_back(centre, centre);
    return out;
  }
  const Params& v = p.at(where.substr(where.find('.') + 1));
  if (is_num(v)) {
    out.push_back(plus_minus(v.get<double>()));
  } else if (v.is_array() && !v.empty() && is_num(v[0])) {
    if (scale) {  // [lo, hi]: one isotropic factor range
      out.push_back(pair_of(v));
    } else {
      for (const auto& e : v) {
        if (!is_num(e)) throw ConfigError(where, "mixes numbers and lists");
        out.push_back(plus_minus(e.get<double>()));
      }
    }
  } else if (v.is_array() && !v.empty()) {
    for (const auto& e : v) out.push_back(pair_of(e));
  } else {
    throw ConfigError(where, "expected a number, a list of numbers or a list of [lo, hi] pairs");
  }
  if (scale)
    for (auto& r : out)
      if (!(r.first > 0.0)) throw ConfigError(where, "scale factors must be > 0");
  return out;
}

}  // namespace

std::vector<std::pair<double, double>> AffineRanges::Range::resolve(size_t count,
                                                                    const std::string& where) const {
  if (items.size() == count) return items;
  if (items.size() == 1) return std::vector<std::pair<double, double>>(count, items[0]);
  throw ConfigError(where, "has " + std::to_string(items.size()) + " entries, this image needs 1 or " +
                               std::to_string(count));
}

const std::vector<std::string>& AffineRanges::keys() {
  static const std::vector<std::string> k{"rotate_range", "shear_range", "scale_range",
                                          "translate_range"};
  return k;
}

AffineRanges::AffineRanges(const Params& p, const std::string& transform) : transform_(transform) {
  rotate_.items = parse_range(p, transform + ".rotate_range", 0.0, false);
  shear_.items = parse_range(p, transform + ".shear_range", 0.0, false);
  scale_.items = parse_range(p, transform + ".scale_range", 1.0, true);
  translate_.items = parse_range(p, transform + ".translate_range", 0.0, false);
}

Matrix AffineRanges::compose(const std::vector<int64_t>& shape, const std::vector<double>& angles,
                             const std::vector<double>& shears, const std::vector<double>& scales,
                             const std::vector<double>& translations) {
  const int dims = static_cast<int>(shape.size());
  const int n = dims + 1;
  auto at = [n](Matrix& m, int r, int c) -> double& { return m[r * n + c]; };
  Matrix S = spatial_ops::identity_matrix(dims);
  for (int a = 0; a < dims; ++a) at(S, a, a) = scales[a];
  Matrix Sh = spatial_ops::identity_matrix(dims);
  int k = 0;
  for (int a = 0; a < dims; ++a)
    for (int b = 0; b < dims; ++b)
      if (a != b) at(Sh, a, b) = shears[k++];
  Matrix R = spatial_ops::identity_matrix(dims);
  // Rotation about tensor axis `axis` (2-D: the one plane), in the plane
  // (i, j), i < j: [cos -sin; sin cos].
  auto plane_rotation = [&](int i, int j, double t) {
    Matrix m = spatial_ops::identity_matrix(dims);
    at(m, i, i) = std::cos(t);
    at(m, i, j) = -std::sin(t);
    at(m, j, i) = std::sin(t);
    at(m, j, j) = std::cos(t);
    return m;
  };
  if (dims == 2) {
    R = plane_rotation(0, 1, angles[0]);
  } else if (dims == 3) {
    R = spatial_ops::matmul(plane_rotation(1, 2, angles[0]),
                            spatial_ops::matmul(plane_rotation(0, 2, angles[1]),
                                                plane_rotation(0, 1, angles[2]), dims),
                            dims);
  }
  Matrix A = spatial_ops::matmul(R, spatial_ops::matmul(Sh, S, dims), dims);
  Matrix Tin = spatial_ops::identity_matrix(dims), Tout = spatial_ops::identity_matrix(dims);
  for (int a = 0; a < dims; ++a) {
    const double c = (static_cast<double>(shape[a]) - 1.0) / 2.0;
    at(Tin, a, dims) = -c;
    at(Tout, a, dims) = c + translations[a];
  }
  return spatial_ops::matmul(Tout, spatial_ops::matmul(A, Tin, dims), dims);
}

Matrix AffineRanges::draw_forward(const std::vector<int64_t>& shape, Rng& rng) const {
  const size_t dims = shape.size();
  const size_t n_angles = dims == 3 ? 3 : (dims == 2 ? 1 : 0);
  const size_t n_shears = dims * (dims - 1);
  auto rot = rotate_.resolve(n_angles == 0 ? 1 : n_angles, transform_ + ".rotate_range");
  auto she = shear_.resolve(n_shears == 0 ? 1 : n_shears, transform_ + ".shear_range");
  auto sca = scale_.resolve(scale_.items.size() == 1 ? 1 : dims, transform_ + ".scale_range");
  auto tra = translate_.resolve(dims, transform_ + ".translate_range");
  std::vector<double> angles, shears, scales, translations;
  for (size_t i = 0; i < n_angles; ++i) angles.push_back(rng.uniform(rot[i].first, rot[i].second));
  for (size_t i = 0; i < n_shears; ++i) shears.push_back(rng.uniform(she[i].first, she[i].second));
  if (sca.size() == 1) {
    const double f = rng.uniform(sca[0].first, sca[0].second);
    scales.assign(dims, f);
  } else {
    for (size_t i = 0; i < dims; ++i) scales.push_back(rng.uniform(sca[i].first, sca[i].second));
  }
  for (size_t i = 0; i < dims; ++i)
    translations.push_back(rng.uniform(tra[i].first, tra[i].second));
  return compose(shape, angles, shears, scales, translations);
}

RandAffine::RandAffine(const Params& p) {
  std::vector<std::string> allowed{"prob", "mode", "padding_mode"};
  for (const auto& k : AffineRanges::keys()) allowed.push_back(k);
  check_keys(p, name(), allowed);
  prob_ = param_prob(p, name(), 0.1);
  ranges_ = AffineRanges(p, name());
  nearest_ = spatial_ops::parse_nearest_mode(p, name());
  padding_ = spatial_ops::parse_padding(param_string(p, name(), "padding_mode", "zeros"), name(),
                                        "padding_mode");
}

AffineDraw RandAffine::draw(const std::vector<int64_t>& shape, Rng& rng) const {
  AffineDraw d;
  d.applied = rng.bernoulli(prob_);
  if (!d.applied) return d;
  d.forward = ranges_.draw_forward(shape, rng);
  d.backward = spatial_ops::invert(d.forward, static_cast<int>(shape.size()));
  return d;
}

void RandAffine::apply_matrix(Sample& sample, const Matrix& forward) const {
  const int dims = sample.image.dims();
  auto shape = sample.image.spatial_shape();
  const Matrix backward = spatial_ops::invert(forward, dims);
  at::Tensor field = spatial_ops::affine_field(backward, shape, sample.image.data);
  spatial_ops::warp(sample, field, nearest_, padding_);
  spatial_ops::affine_boxes(sample.boxes, forward, dims, shape);
}

void RandAffine::apply(Sample& sample, Rng& rng) const {
  AffineDraw d = draw(sample.image.spatial_shape(), rng);
  if (!d.applied) return;
  apply_matrix(sample, d.forward);
}

MEDCNN_REGISTER_TRANSFORM(RandAffine)

}  // namespace medcnn
