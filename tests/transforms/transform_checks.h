// Helpers for the transform tests: samples with a rectangle object, the
// bounding box of a mask, and physical positions of box centres.
#pragma once
#include <torch/torch.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "medcnn/core/box.h"
#include "medcnn/data/sample.h"

namespace medcnn::test {

// A float32 tensor of `shape` from a raw little-endian file (oracle output).
inline at::Tensor read_raw_float(const std::string& path, const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<float> buf(n);
  std::ifstream f(path, std::ios::binary);
  f.read(reinterpret_cast<char*>(buf.data()), n * 4);
  EXPECT_TRUE(f.good()) << path;
  return torch::from_blob(buf.data(), shape, torch::kFloat).clone();
}

// The set of label values in a tensor.
inline std::set<int64_t> labels_of(const at::Tensor& t) {
  at::Tensor u = std::get<0>(at::_unique(t.to(torch::kLong).reshape({-1})));
  std::set<int64_t> out;
  for (int64_t i = 0; i < u.numel(); ++i) out.insert(u[i].item<int64_t>());
  return out;
}

// A dims-D sample of spatial `shape` (tensor order) with random image
// values, a mask holding `label` in [lo, hi) (tensor order) and the box of
// that object (Box convention, x/y/z order).
inline Sample object_sample(const std::vector<int64_t>& shape, const std::vector<int64_t>& lo,
                            const std::vector<int64_t>& hi, int64_t label = 1,
                            uint64_t seed = 0) {
  const int dims = static_cast<int>(shape.size());
  std::vector<int64_t> full{1};
  full.insert(full.end(), shape.begin(), shape.end());
  auto gen = at::detail::createCPUGenerator(seed);
  Sample s;
  s.id = "obj";
  s.image = Image::from_tensor(torch::rand(full, gen), dims);
  at::Tensor m = torch::zeros(full, torch::kUInt8);
  std::vector<at::indexing::TensorIndex> idx{0};
  for (int a = 0; a < dims; ++a) idx.emplace_back(torch::indexing::Slice(lo[a], hi[a]));
  m.index_put_(idx, label);
  s.mask = Image(m, s.image.geometry, PixelType::UInt8);
  Box b;
  b.dims = dims;
  for (int a = 0; a < dims; ++a) {
    b.lo[dims - 1 - a] = static_cast<double>(lo[a]);
    b.hi[dims - 1 - a] = static_cast<double>(hi[a]);
  }
  b.label = 0;
  s.boxes = {b};
  return s;
}

// Bounding box (Box convention) of the non-zero pixels of a [1, ...] mask;
// dims = 0 when the mask is empty.
inline Box mask_bbox(const at::Tensor& mask) {
  const int dims = static_cast<int>(mask.dim()) - 1;
  at::Tensor nz = torch::nonzero(mask[0]);
  Box b;
  b.dims = 0;
  if (nz.size(0) == 0) return b;
  b.dims = dims;
  for (int a = 0; a < dims; ++a) {
    at::Tensor col = nz.select(1, a);
    b.lo[dims - 1 - a] = static_cast<double>(col.min().item<int64_t>());
    b.hi[dims - 1 - a] = static_cast<double>(col.max().item<int64_t>() + 1);
  }
  return b;
}

// Physical position of a continuous Box coordinate (pixel i covers
// [i, i+1), its centre is geometry index i).
inline std::array<double, 3> box_point_physical(const Geometry& g, const std::array<double, 3>& p) {
  return g.index_to_physical({p[0] - 0.5, p[1] - 0.5, p[2] - 0.5});
}

// The sample's single box equals the bounding box of its (moved) mask
// within `tol` pixels on every axis.
inline void expect_box_follows_mask(const Sample& s, double tol, const std::string& what = "") {
  Box m = mask_bbox(s.mask->data);
  ASSERT_EQ(s.boxes.size(), 1u) << what;
  for (int j = 0; j < s.image.dims(); ++j) {
    EXPECT_NEAR(s.boxes[0].lo[j], m.lo[j], tol) << what << " axis " << j;
    EXPECT_NEAR(s.boxes[0].hi[j], m.hi[j], tol) << what << " axis " << j;
  }
}

}  // namespace medcnn::test
