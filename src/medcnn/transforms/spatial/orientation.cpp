#include "medcnn/transforms/spatial/orientation.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

namespace {

// Letter -> (physical LPS axis, sign): L = +x, P = +y, S = +z.
bool letter_axis(char c, int& axis, int& sign) {
  switch (c) {
    case 'L': axis = 0; sign = 1; return true;
    case 'R': axis = 0; sign = -1; return true;
    case 'P': axis = 1; sign = 1; return true;
    case 'A': axis = 1; sign = -1; return true;
    case 'S': axis = 2; sign = 1; return true;
    case 'I': axis = 2; sign = -1; return true;
    default: return false;
  }
}

char axis_letter(int axis, int sign) {
  static const char pos[] = {'L', 'P', 'S'}, neg[] = {'R', 'A', 'I'};
  return sign > 0 ? pos[axis] : neg[axis];
}

// For each image axis j < dims: the physical axis it lies closest to and
// the sign; greedy by the largest cosine so that axes stay distinct.
void match_axes(const Geometry& g, int dims, std::vector<int>& phys, std::vector<int>& sign) {
  phys.assign(dims, -1);
  sign.assign(dims, 1);
  std::vector<bool> used_axis(3, false), used_phys(3, false);
  for (int step = 0; step < dims; ++step) {
    int bj = -1, br = -1;
    double best = -1.0;
    for (int j = 0; j < dims; ++j) {
      if (used_axis[j]) continue;
      for (int r = 0; r < 3; ++r) {
        if (used_phys[r]) continue;
        const double v = std::abs(g.dir(r, j));
        if (v > best) best = v, bj = j, br = r;
      }
    }
    used_axis[bj] = used_phys[br] = true;
    phys[bj] = br;
    sign[bj] = g.dir(br, bj) >= 0 ? 1 : -1;
  }
}

}  // namespace

std::string Orientation::code_of(const Geometry& g) {
  std::vector<int> phys, sign;
  match_axes(g, g.dims, phys, sign);
  std::string code;
  for (int j = 0; j < g.dims; ++j) code += axis_letter(phys[j], sign[j]);
  return code;
}

Orientation::Orientation(const Params& p) {
  check_keys(p, name(), {"axcodes"});
  axcodes_ = param_string(p, name(), "axcodes", "RAS");
  for (char& c : axcodes_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (axcodes_.size() < 2 || axcodes_.size() > 3)
    throw ConfigError(name() + ".axcodes", "give 2 or 3 letters, got '" + axcodes_ + "'");
  std::vector<bool> seen(3, false);
  for (char c : axcodes_) {
    int axis, sign;
    if (!letter_axis(c, axis, sign))
      throw ConfigError(name() + ".axcodes", "unknown letter '" + std::string(1, c) +
                                                 "' (use R/L, A/P, S/I)");
    if (seen[axis])
      throw ConfigError(name() + ".axcodes", "'" + axcodes_ + "' names a physical axis twice");
    seen[axis] = true;
  }
}

void Orientation::apply(Sample& sample, Rng& /*rng*/) const {
  const int dims = sample.image.dims();
  std::vector<int> phys, sign;
  match_axes(sample.image.geometry, dims, phys, sign);
  // Target letters: those of the code whose physical axes this image spans.
  std::vector<int> t_phys, t_sign;
  for (char c : axcodes_) {
    int axis, s;
    letter_axis(c, axis, s);
    if (std::find(phys.begin(), phys.end(), axis) != phys.end()) {
      t_phys.push_back(axis);
      t_sign.push_back(s);
    }
  }
  if (static_cast<int>(t_phys.size()) != dims)
    throw ConfigError(name() + ".axcodes", "'" + axcodes_ + "' does not name the axes of this " +
                                               std::to_string(dims) + "-D image (" +
                                               code_of(sample.image.geometry) + ")");
  // Output image axis k = input image axis src[k], flipped if the sign differs.
  std::vector<int> src(dims);
  for (int k = 0; k < dims; ++k)
    src[k] = static_cast<int>(std::find(phys.begin(), phys.end(), t_phys[k]) - phys.begin());
  std::vector<int64_t> perm(dims), flips;
  for (int a = 0; a < dims; ++a) {
    const int k = spatial_ops::image_axis(dims, a);
    perm[a] = spatial_ops::image_axis(dims, src[k]);
    if (sign[src[k]] != t_sign[k]) flips.push_back(a);
  }
  spatial_ops::permute(sample, perm);
  spatial_ops::flip(sample, flips);
}

MEDCNN_REGISTER_TRANSFORM(Orientation)

}  // namespace medcnn
