#include "medcnn/infer/postprocess.h"

#include <torch/torch.h>

#include <numeric>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"
#include "medcnn/infer/mrf_smooth.h"

namespace medcnn {
namespace {

struct UnionFind {
  std::vector<int64_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int64_t find(int64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(int64_t a, int64_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

void check_labels(const at::Tensor& labels) {
  if (labels.scalar_type() != torch::kLong || labels.dim() < 1 || labels.dim() > 3)
    throw DataError("postprocess", "needs an int64 label map with 1-3 spatial axes");
}

std::vector<int64_t> applied(const nlohmann::json& p, const std::string& where,
                             const at::Tensor& labels) {
  if (p.contains("applied_labels")) {
    std::vector<int64_t> v;
    for (const auto& e : p["applied_labels"]) {
      if (!e.is_number_integer()) throw ConfigError(where + ".applied_labels", "expected integers");
      v.push_back(e.get<int64_t>());
    }
    return v;
  }
  at::Tensor u = std::get<0>(at::_unique(labels.flatten()));
  std::vector<int64_t> v;
  for (int64_t i = 0; i < u.numel(); ++i)
    if (u[i].item<int64_t>() > 0) v.push_back(u[i].item<int64_t>());
  return v;
}

// Component sizes of a labelled map (index 0 unused).
std::vector<int64_t> sizes_of(const at::Tensor& comp, int64_t n) {
  std::vector<int64_t> size(n + 1, 0);
  const int64_t* c = comp.data_ptr<int64_t>();
  for (int64_t i = 0; i < comp.numel(); ++i) size[c[i]]++;
  return size;
}

}  // namespace

int64_t connected_components(const at::Tensor& mask, at::Tensor& labels) {
  at::Tensor m = mask.to(torch::kBool).contiguous();
  const int64_t d = m.dim();
  if (d < 1 || d > 3) throw DataError("connected_components", "needs 1-3 spatial axes");
  std::vector<int64_t> shape(m.sizes().begin(), m.sizes().end()), stride(d, 1);
  for (int64_t a = d - 2; a >= 0; --a) stride[a] = stride[a + 1] * shape[a + 1];
  const int64_t n = m.numel();
  const bool* on = m.data_ptr<bool>();
  UnionFind uf(static_cast<size_t>(n));
  std::vector<int64_t> idx(d);
  for (int64_t i = 0; i < n; ++i) {
    if (!on[i]) continue;
    int64_t rest = i;
    for (int64_t a = 0; a < d; ++a) {
      idx[a] = rest / stride[a];
      rest %= stride[a];
    }
    for (int64_t a = 0; a < d; ++a)  // the earlier neighbour along each axis
      if (idx[a] > 0 && on[i - stride[a]]) uf.unite(i, i - stride[a]);
  }
  labels = torch::zeros(m.sizes(), torch::kLong);
  int64_t* out = labels.data_ptr<int64_t>();
  std::vector<int64_t> id(static_cast<size_t>(n), 0);
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!on[i]) continue;
    const int64_t root = uf.find(i);
    if (id[root] == 0) id[root] = ++count;
    out[i] = id[root];
  }
  return count;
}

Postprocess make_postprocess(const nlohmann::json& list, const std::string& where) {
  Postprocess pp;
  if (list.is_null()) return pp;
  if (!list.is_array()) throw ConfigError(where, "expected a list of tables with a 'name'");
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& p = list[i];
    const std::string w = where + "[" + std::to_string(i) + "]";
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string())
      throw ConfigError(w, "each step needs a string 'name'");
    const std::string name = p["name"];
    nlohmann::json params = p;
    params.erase("name");
    if (name == "KeepLargestConnectedComponent") {
      check_keys(params, w, {"applied_labels"});
      pp.steps.push_back([params, w](at::Tensor& labels) {
        check_labels(labels);
        for (int64_t l : applied(params, w, labels)) {
          at::Tensor comp;
          const int64_t n = connected_components(labels.eq(l), comp);
          if (n < 2) continue;
          auto size = sizes_of(comp, n);
          int64_t best = 1;
          for (int64_t c = 2; c <= n; ++c)
            if (size[c] > size[best]) best = c;
          labels.masked_fill_(comp.gt(0) & comp.ne(best), 0);
        }
      });
    } else if (name == "RemoveSmallObjects") {
      check_keys(params, w, {"min_size", "applied_labels"});
      if (!params.contains("min_size") || !params["min_size"].is_number_integer() ||
          params["min_size"].get<int64_t>() < 1)
        throw ConfigError(w + ".min_size", "required: a whole number of voxels >= 1");
      const int64_t min_size = params["min_size"];
      pp.steps.push_back([params, w, min_size](at::Tensor& labels) {
        check_labels(labels);
        for (int64_t l : applied(params, w, labels)) {
          at::Tensor comp;
          const int64_t n = connected_components(labels.eq(l), comp);
          auto size = sizes_of(comp, n);
          std::vector<uint8_t> drop(n + 1, 0);
          for (int64_t c = 1; c <= n; ++c) drop[c] = size[c] < min_size;
          int64_t* lab = labels.data_ptr<int64_t>();
          const int64_t* cp = comp.data_ptr<int64_t>();
          for (int64_t i = 0; i < labels.numel(); ++i)
            if (drop[cp[i]] && cp[i] > 0) lab[i] = 0;
        }
      });
    } else if (name == "FillHoles") {
      check_keys(params, w, {"applied_labels"});
      pp.steps.push_back([params, w](at::Tensor& labels) {
        check_labels(labels);
        const auto targets = applied(params, w, labels);
        at::Tensor comp;
        const int64_t n = connected_components(labels.eq(0), comp);
        // For each background component: does it touch the border, and which
        // labels are its neighbours?
        const int64_t d = labels.dim();
        std::vector<int64_t> shape(labels.sizes().begin(), labels.sizes().end()), stride(d, 1);
        for (int64_t a = d - 2; a >= 0; --a) stride[a] = stride[a + 1] * shape[a + 1];
        std::vector<uint8_t> border(n + 1, 0);
        std::vector<int64_t> neighbour(n + 1, 0);  // 0 none yet, -1 several
        const int64_t* cp = comp.data_ptr<int64_t>();
        int64_t* lab = labels.data_ptr<int64_t>();
        std::vector<int64_t> idx(d);
        for (int64_t i = 0; i < labels.numel(); ++i) {
          const int64_t c = cp[i];
          if (c == 0) continue;
          int64_t rest = i;
          for (int64_t a = 0; a < d; ++a) {
            idx[a] = rest / stride[a];
            rest %= stride[a];
          }
          for (int64_t a = 0; a < d; ++a)
            for (int s : {-1, 1}) {
              const int64_t j = idx[a] + s;
              if (j < 0 || j >= shape[a]) {
                border[c] = 1;
                continue;
              }
              const int64_t v = lab[i + s * stride[a]];
              if (v == 0) continue;
              if (neighbour[c] == 0) neighbour[c] = v;
              else if (neighbour[c] != v) neighbour[c] = -1;
            }
        }
        for (int64_t i = 0; i < labels.numel(); ++i) {
          const int64_t c = cp[i];
          if (c == 0 || border[c] || neighbour[c] <= 0) continue;
          if (std::find(targets.begin(), targets.end(), neighbour[c]) != targets.end())
            lab[i] = neighbour[c];
        }
      });
    } else if (name == "MRFSmooth") {
      const MrfOptions o = mrf_options(params, w);
      pp.probability_steps.push_back(
          [o](const at::Tensor& probs, const at::Tensor& image) { return mrf_smooth(probs, image, o); });
    } else {
      throw ConfigError(w + ".name", "unknown post-processing step '" + name +
                                         "' (known: KeepLargestConnectedComponent, "
                                         "RemoveSmallObjects, FillHoles, MRFSmooth)");
    }
    pp.names.push_back(name);
  }
  return pp;
}

}  // namespace medcnn
