#include "medcnn/transforms/spatial/resample_ops.h"

#include <ATen/Dispatch.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn::spatial_ops {

namespace F = torch::nn::functional;

Padding parse_padding(const std::string& value, const std::string& transform,
                      const std::string& key) {
  if (value == "zeros") return Padding::Zeros;
  if (value == "border") return Padding::Border;
  if (value == "reflection") return Padding::Reflection;
  throw ConfigError(transform + "." + key,
                    "unknown padding '" + value + "' (use zeros, border or reflection)");
}

bool parse_nearest_mode(const Params& p, const std::string& transform) {
  const std::string mode = param_string(p, transform, "mode", "bilinear");
  if (mode == "nearest") return true;
  if (mode != "bilinear" && mode != "linear" && mode != "trilinear")
    throw ConfigError(transform + ".mode", "unknown mode '" + mode + "' (use bilinear or nearest)");
  return false;
}

Matrix identity_matrix(int dims) {
  Matrix m((dims + 1) * (dims + 1), 0.0);
  for (int i = 0; i <= dims; ++i) m[i * (dims + 1) + i] = 1.0;
  return m;
}

Matrix matmul(const Matrix& a, const Matrix& b, int dims) {
  const int n = dims + 1;
  Matrix c(n * n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < n; ++j) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

Matrix invert(const Matrix& m, int dims) {
  const int n = dims + 1;
  Matrix a = m, inv = identity_matrix(dims);
  for (int col = 0; col < n; ++col) {
    int piv = col;
    for (int r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[piv * n + col])) piv = r;
    if (std::abs(a[piv * n + col]) < 1e-12)
      throw ConfigError("affine", "the affine matrix is singular (a scale of 0?)");
    for (int j = 0; j < n; ++j) {
      std::swap(a[col * n + j], a[piv * n + j]);
      std::swap(inv[col * n + j], inv[piv * n + j]);
    }
    const double d = a[col * n + col];
    for (int j = 0; j < n; ++j) {
      a[col * n + j] /= d;
      inv[col * n + j] /= d;
    }
    for (int r = 0; r < n; ++r) {
      if (r == col) continue;
      const double f = a[r * n + col];
      if (f == 0.0) continue;
      for (int j = 0; j < n; ++j) {
        a[r * n + j] -= f * a[col * n + j];
        inv[r * n + j] -= f * inv[col * n + j];
      }
    }
  }
  return inv;
}

namespace {
// Spatial shape padded to 3 axes with leading ones, and the matching axis map.
struct Shape3 {
  int64_t s[3] = {1, 1, 1};
  int off = 0;  // tensor axis a is padded axis a + off
  explicit Shape3(const std::vector<int64_t>& shape) {
    off = 3 - static_cast<int>(shape.size());
    for (size_t a = 0; a < shape.size(); ++a) s[a + off] = shape[a];
  }
  int64_t numel() const { return s[0] * s[1] * s[2]; }
};
}  // namespace

Matrix grid_to_grid(const Geometry& from, const Geometry& to) {
  if (from.dims != to.dims) throw std::logic_error("grid_to_grid: grids of different dims");
  const int d = to.dims, n = d + 1;
  // Index (image axis order, x first) -> physical point, homogeneous.
  auto index_to_physical = [&](const Geometry& g) {
    Matrix m = identity_matrix(d);
    for (int r = 0; r < d; ++r) {
      for (int c = 0; c < d; ++c) m[r * n + c] = g.dir(r, c) * g.spacing[c];
      m[r * n + d] = g.origin[r];
    }
    return m;
  };
  const Matrix image_order = matmul(invert(index_to_physical(from), d), index_to_physical(to), d);
  // Tensor axis a is image axis d - 1 - a.
  Matrix B = identity_matrix(d);
  for (int a = 0; a < d; ++a) {
    for (int b = 0; b < d; ++b) B[a * n + b] = image_order[(d - 1 - a) * n + (d - 1 - b)];
    B[a * n + d] = image_order[(d - 1 - a) * n + d];
  }
  return B;
}

at::Tensor resample_onto(const at::Tensor& data, const Geometry& from, const Geometry& to,
                         const std::vector<int64_t>& to_shape, bool nearest, Padding padding) {
  const at::Tensor field = affine_field(grid_to_grid(from, to), to_shape, data);
  return nearest ? sample_nearest(data, field, padding) : sample_linear(data, field, padding);
}

at::Tensor affine_field(const Matrix& B, const std::vector<int64_t>& shape, const at::Tensor& like) {
  const int dims = static_cast<int>(shape.size());
  const int n = dims + 1;
  auto opts = torch::TensorOptions().dtype(torch::kDouble).device(like.device());
  if (like.device().is_cpu() && dims >= 1 && dims <= 3) {
    // Direct loops: q_a = B[a, dims] + sum_b B[a, b] p_b, written once.
    const Shape3 sh(shape);
    std::vector<int64_t> full{dims};
    full.insert(full.end(), shape.begin(), shape.end());
    at::Tensor out = torch::empty(full, opts);
    double* o = out.data_ptr<double>();
    for (int a = 0; a < dims; ++a) {
      double c[3] = {0.0, 0.0, 0.0};
      for (int b = 0; b < dims; ++b) c[b + sh.off] = B[a * n + b];
      const double t = B[a * n + dims];
      double* p = o + a * sh.numel();
      for (int64_t i = 0; i < sh.s[0]; ++i) {
        const double vi = t + c[0] * static_cast<double>(i);
        for (int64_t j = 0; j < sh.s[1]; ++j) {
          const double vj = vi + c[1] * static_cast<double>(j);
          double* row = p + (i * sh.s[1] + j) * sh.s[2];
          for (int64_t k = 0; k < sh.s[2]; ++k) row[k] = vj + c[2] * static_cast<double>(k);
        }
      }
    }
    return out;
  }
  std::vector<at::Tensor> ramps;
  for (int b = 0; b < dims; ++b) {
    std::vector<int64_t> view(dims, 1);
    view[b] = shape[b];
    ramps.push_back(torch::arange(shape[b], opts).view(view));
  }
  std::vector<at::Tensor> comps;
  for (int a = 0; a < dims; ++a) {
    at::Tensor f = torch::full(shape, B[a * n + dims], opts);
    for (int b = 0; b < dims; ++b)
      if (B[a * n + b] != 0.0) f = f + ramps[b] * B[a * n + b];
    comps.push_back(f);
  }
  return torch::stack(comps);
}

at::Tensor sample_linear(const at::Tensor& data, const at::Tensor& field, Padding padding) {
  const int dims = static_cast<int>(field.size(0));
  at::Tensor x = data.unsqueeze(0);
  if (x.scalar_type() != torch::kDouble) x = x.to(torch::kFloat);
  // grid: [1, out..., dims], last axis in x, y, z order, normalised for
  // align_corners = false: u = (2 q + 1) / n - 1.
  at::Tensor grid;
  if (field.device().is_cpu() && field.scalar_type() == torch::kDouble) {
    // One pass: interleave the normalised coordinates into the grid.
    at::Tensor fc = field.contiguous();
    const int64_t m = fc[0].numel();
    std::vector<int64_t> gshape{1};
    gshape.insert(gshape.end(), fc.sizes().begin() + 1, fc.sizes().end());
    gshape.push_back(dims);
    grid = torch::empty(gshape, field.options().dtype(x.scalar_type()));
    AT_DISPATCH_FLOATING_TYPES(grid.scalar_type(), "sample_linear_grid", [&] {
      scalar_t* g = grid.data_ptr<scalar_t>();
      const double* f = fc.data_ptr<double>();
      for (int k = 0; k < dims; ++k) {
        const int a = dims - 1 - k;
        const double sc = 2.0 / static_cast<double>(data.size(a + 1));
        const double off = 1.0 / static_cast<double>(data.size(a + 1)) - 1.0;
        const double* fa = f + a * m;
        for (int64_t v = 0; v < m; ++v) g[v * dims + k] = static_cast<scalar_t>(fa[v] * sc + off);
      }
    });
  } else {
    std::vector<at::Tensor> comps;
    for (int a = dims - 1; a >= 0; --a) {
      const double n = static_cast<double>(data.size(a + 1));
      comps.push_back((field[a] * 2.0 + 1.0) / n - 1.0);
    }
    grid = torch::stack(comps, -1).unsqueeze(0).to(x.scalar_type());
  }
  auto opts = F::GridSampleFuncOptions().mode(torch::kBilinear).align_corners(false);
  if (padding == Padding::Zeros) opts = opts.padding_mode(torch::kZeros);
  else if (padding == Padding::Border) opts = opts.padding_mode(torch::kBorder);
  else opts = opts.padding_mode(torch::kReflection);
  return F::grid_sample(x, grid, opts).squeeze(0);
}

at::Tensor sample_nearest(const at::Tensor& data, const at::Tensor& field, Padding padding) {
  const int dims = static_cast<int>(field.size(0));
  if (data.device().is_cpu() && field.device().is_cpu() && field.scalar_type() == torch::kDouble &&
      dims >= 1 && dims <= 3 && data.dim() == dims + 1) {
    // Direct loops, same rule as below: index floor(q + 0.5), then padding.
    at::Tensor fc = field.contiguous(), dc = data.contiguous();
    std::vector<int64_t> out_shape(fc.sizes().begin() + 1, fc.sizes().end());
    const int64_t m = fc[0].numel(), c = dc.size(0);
    int64_t in_n[3] = {1, 1, 1}, in_stride[3] = {0, 0, 0};
    int64_t st = 1;
    for (int a = dims - 1; a >= 0; --a) {
      in_n[a] = dc.size(a + 1);
      in_stride[a] = st;
      st *= in_n[a];
    }
    const int64_t in_m = st;
    std::vector<int64_t> lin(m);
    const double* f = fc.data_ptr<double>();
    for (int64_t v = 0; v < m; ++v) {
      int64_t l = 0;
      bool ok = true;
      for (int a = 0; a < dims; ++a) {
        const int64_t n = in_n[a];
        int64_t i = static_cast<int64_t>(std::floor(f[a * m + v] + 0.5));
        if (padding == Padding::Zeros) {
          if (i < 0 || i >= n) ok = false;
          i = std::clamp<int64_t>(i, 0, n - 1);
        } else if (padding == Padding::Border) {
          i = std::clamp<int64_t>(i, 0, n - 1);
        } else {
          i %= 2 * n;
          if (i < 0) i += 2 * n;
          if (i >= n) i = 2 * n - 1 - i;
        }
        l += i * in_stride[a];
      }
      lin[v] = ok ? l : -1;
    }
    std::vector<int64_t> full{c};
    full.insert(full.end(), out_shape.begin(), out_shape.end());
    at::Tensor out = torch::empty(full, dc.options());
    AT_DISPATCH_ALL_TYPES_AND3(at::kBool, at::kHalf, at::kBFloat16, dc.scalar_type(),
                               "sample_nearest", [&] {
      const scalar_t* src = dc.data_ptr<scalar_t>();
      scalar_t* dst = out.data_ptr<scalar_t>();
      for (int64_t ch = 0; ch < c; ++ch) {
        const scalar_t* s0 = src + ch * in_m;
        scalar_t* d0 = dst + ch * m;
        for (int64_t v = 0; v < m; ++v) d0[v] = lin[v] >= 0 ? s0[lin[v]] : scalar_t(0);
      }
    });
    return out;
  }
  std::vector<int64_t> out_shape(field.sizes().begin() + 1, field.sizes().end());
  at::Tensor lin = torch::zeros(out_shape, field.options().dtype(torch::kLong));
  at::Tensor valid = torch::ones(out_shape, field.options().dtype(torch::kBool));
  int64_t stride = 1;
  for (int a = dims - 1; a >= 0; --a) {
    const int64_t n = data.size(a + 1);
    at::Tensor idx = torch::floor(field[a] + 0.5).to(torch::kLong);
    if (padding == Padding::Zeros) {
      valid = valid & (idx >= 0) & (idx < n);
      idx = idx.clamp(0, n - 1);
    } else if (padding == Padding::Border) {
      idx = idx.clamp(0, n - 1);
    } else {  // reflection about the outer pixel edges, as grid_sample
      idx = torch::remainder(idx, 2 * n);
      idx = torch::where(idx >= n, 2 * n - 1 - idx, idx);
    }
    lin = lin + idx * stride;
    stride *= n;
  }
  const int64_t c = data.size(0);
  std::vector<int64_t> full{c};
  full.insert(full.end(), out_shape.begin(), out_shape.end());
  at::Tensor out = data.reshape({c, -1}).index_select(1, lin.reshape({-1})).reshape(full);
  if (padding == Padding::Zeros) out = out.masked_fill(~valid.unsqueeze(0), 0);
  return out.contiguous();
}

void warp(Sample& s, const at::Tensor& field, bool nearest_image, Padding padding) {
  if (nearest_image) {
    s.image.data = sample_nearest(s.image.data, field, padding);
  } else {
    s.image.data = sample_linear(s.image.data, field, padding);
    s.image.pixel_type = pixel_type_of(s.image.data.scalar_type());
  }
  if (s.mask) s.mask->data = sample_nearest(s.mask->data, field, padding);
}

Box warp_box_raster(const Box& b, const std::vector<int64_t>& in_shape, const at::Tensor& field) {
  const int dims = static_cast<int>(in_shape.size());
  Box out = b;
  out.dims = 0;
  std::vector<int64_t> full{1};
  full.insert(full.end(), in_shape.begin(), in_shape.end());
  at::Tensor ind = torch::zeros(full, field.options().dtype(torch::kFloat));
  std::vector<at::indexing::TensorIndex> idx{0};
  // The pixel range of the box per tensor axis (kept as plain integers: a
  // Slice's start()/stop() are SymInts in libtorch 2.x).
  std::array<int64_t, 3> blo{}, bhi{};
  for (int a = 0; a < dims; ++a) {
    const int j = image_axis(dims, a);
    // pixels whose centre (i + 0.5 in Box units) lies in [lo, hi)
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(b.lo[j] - 0.5)));
    const int64_t hi =
        std::min<int64_t>(in_shape[a], static_cast<int64_t>(std::ceil(b.hi[j] - 0.5)));
    if (hi <= lo) return out;
    blo[a] = lo;
    bhi[a] = hi;
    idx.emplace_back(torch::indexing::Slice(lo, hi));
  }
  if (field.device().is_cpu() && field.scalar_type() == torch::kDouble && dims <= 3) {
    // The box indicator is separable, and (bi/tri)linear interpolation with
    // zeros outside is the product of the 1-D linear interpolations, so the
    // warped indicator is prod_a L_a(q_a): no volume to rasterise and sample.
    at::Tensor fc = field.contiguous();
    const double* f = fc.data_ptr<double>();
    std::vector<int64_t> out_shape(fc.sizes().begin() + 1, fc.sizes().end());
    const int64_t m = fc[0].numel();
    std::array<int64_t, 3> mn{}, mx{}, pos{};
    mn.fill(std::numeric_limits<int64_t>::max());
    mx.fill(-1);
    bool any = false;
    for (int64_t v = 0; v < m; ++v) {
      float w = 1.0f;
      for (int a = 0; a < dims && w > 0.0f; ++a) {
        const double q = f[a * m + v];
        const double i0 = std::floor(q);
        const float t = static_cast<float>(q - i0);
        const int64_t i = static_cast<int64_t>(i0);
        const float v0 = (i >= blo[a] && i < bhi[a]) ? 1.0f : 0.0f;
        const float v1 = (i + 1 >= blo[a] && i + 1 < bhi[a]) ? 1.0f : 0.0f;
        w *= (1.0f - t) * v0 + t * v1;
      }
      if (!(w >= 0.5f)) continue;
      any = true;
      int64_t rem = v;
      for (int a = dims - 1; a >= 0; --a) {
        pos[a] = rem % out_shape[a];
        rem /= out_shape[a];
        mn[a] = std::min(mn[a], pos[a]);
        mx[a] = std::max(mx[a], pos[a]);
      }
    }
    if (!any) return out;
    out.dims = b.dims;
    for (int a = 0; a < dims; ++a) {
      const int j = image_axis(dims, a);
      out.lo[j] = static_cast<double>(mn[a]);
      out.hi[j] = static_cast<double>(mx[a] + 1);
    }
    return out;
  }
  ind.index_put_(idx, 1.0f);
  at::Tensor moved = sample_linear(ind, field, Padding::Zeros)[0] >= 0.5f;
  at::Tensor nz = torch::nonzero(moved);
  if (nz.size(0) == 0) return out;
  at::Tensor lo = std::get<0>(nz.min(0)).cpu(), hi = std::get<0>(nz.max(0)).cpu();
  out.dims = b.dims;
  for (int a = 0; a < dims; ++a) {
    const int j = image_axis(dims, a);
    out.lo[j] = static_cast<double>(lo[a].item<int64_t>());
    out.hi[j] = static_cast<double>(hi[a].item<int64_t>() + 1);
  }
  return out;
}

void affine_boxes(std::vector<Box>& boxes, const Matrix& Fm, int dims,
                  const std::vector<int64_t>& out_shape) {
  const int n = dims + 1;
  std::vector<Box> kept;
  for (Box b : boxes) {
    if (b.dims != dims) {
      kept.push_back(b);
      continue;
    }
    std::array<double, 3> lo{}, hi{};
    lo.fill(std::numeric_limits<double>::infinity());
    hi.fill(-std::numeric_limits<double>::infinity());
    for (int corner = 0; corner < (1 << dims); ++corner) {
      std::array<double, 3> q{};  // index units, tensor order
      for (int a = 0; a < dims; ++a) {
        const int j = image_axis(dims, a);
        q[a] = ((corner >> a) & 1 ? b.hi[j] : b.lo[j]) - 0.5;
      }
      for (int a = 0; a < dims; ++a) {
        double p = Fm[a * n + dims];
        for (int c = 0; c < dims; ++c) p += Fm[a * n + c] * q[c];
        lo[a] = std::min(lo[a], p + 0.5);
        hi[a] = std::max(hi[a], p + 0.5);
      }
    }
    bool empty = false;
    for (int a = 0; a < dims; ++a) {
      const int j = image_axis(dims, a);
      const double m = static_cast<double>(out_shape[a]);
      b.lo[j] = std::clamp(lo[a], 0.0, m);
      b.hi[j] = std::clamp(hi[a], 0.0, m);
      if (b.hi[j] <= b.lo[j]) empty = true;
    }
    if (!empty) kept.push_back(b);
  }
  boxes = std::move(kept);
}

}  // namespace medcnn::spatial_ops
