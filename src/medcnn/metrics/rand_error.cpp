#include "medcnn/metrics/rand_error.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace medcnn {
namespace {

double squares_minus_n(const std::unordered_map<int64_t, double>& counts, double n) {
  double s = 0;
  for (const auto& [label, c] : counts) s += c * c;
  return s - n;
}

int64_t find(std::vector<int64_t>& parent, int64_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

RandScores adapted_rand_error(const int64_t* truth, const int64_t* test, size_t n) {
  struct PairHash {
    size_t operator()(const std::pair<int64_t, int64_t>& p) const {
      return std::hash<int64_t>()(p.first * 1000003 ^ p.second);
    }
  };
  std::unordered_map<std::pair<int64_t, int64_t>, double, PairHash> joint;
  std::unordered_map<int64_t, double> a, b;
  double counted = 0;
  for (size_t v = 0; v < n; ++v) {
    if (truth[v] == 0) continue;
    joint[{truth[v], test[v]}] += 1;
    a[truth[v]] += 1;
    b[test[v]] += 1;
    counted += 1;
  }
  double pairs = 0;
  for (const auto& [key, c] : joint) pairs += c * c;
  pairs -= counted;
  const double pairs_truth = squares_minus_n(a, counted), pairs_test = squares_minus_n(b, counted);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  RandScores r;
  r.precision = pairs_test > 0 ? pairs / pairs_test : nan;
  r.recall = pairs_truth > 0 ? pairs / pairs_truth : nan;
  const double f = r.precision + r.recall > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall)
                                             : (std::isnan(r.precision + r.recall) ? nan : 0.0);
  r.error = 1.0 - f;
  return r;
}

int64_t label_components(const uint8_t* mask, const Grid& grid, std::vector<int64_t>& labels) {
  const size_t n = check_grid(grid, "label_components");
  const size_t dims = grid.shape.size();
  std::vector<int64_t> stride(dims, 1);
  for (size_t a = dims - 1; a-- > 0;) stride[a] = stride[a + 1] * grid.shape[a + 1];
  std::vector<int64_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<int64_t> index(dims, 0);  // the voxel's index along each axis, C order
  for (size_t v = 0; v < n; ++v) {
    if (mask[v])
      for (size_t a = 0; a < dims; ++a)  // join with the previous voxel along each axis
        if (index[a] > 0 && mask[v - size_t(stride[a])]) {
          const int64_t r1 = find(parent, int64_t(v)), r2 = find(parent, int64_t(v) - stride[a]);
          if (r1 != r2) parent[std::max(r1, r2)] = std::min(r1, r2);
        }
    for (size_t a = dims; a-- > 0;) {
      if (++index[a] < grid.shape[a]) break;
      index[a] = 0;
    }
  }
  labels.assign(n, 0);
  std::unordered_map<int64_t, int64_t> next;
  int64_t count = 0;
  for (size_t v = 0; v < n; ++v) {
    if (!mask[v]) continue;
    const int64_t root = find(parent, int64_t(v));
    auto it = next.find(root);
    if (it == next.end()) it = next.emplace(root, ++count).first;
    labels[v] = it->second;
  }
  return count;
}

}  // namespace medcnn
