// NpzDataset: MedMNIST .npz (<split>_images, <split>_labels). See sources.h.
#include <torch/torch.h>

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/npz.h"

namespace medcnn {

NpzDataset::NpzDataset(const std::string& path, const std::string& split)
    : path_(path), split_(split.empty() ? "train" : split) {
  auto arrays = read_npz(path);  // small files: read once
  const std::string ik = split_ + "_images", lk = split_ + "_labels";
  if (!arrays.count(ik) || !arrays.count(lk)) {
    std::string keys;
    for (const auto& [k, v] : arrays) keys += (keys.empty() ? "" : ", ") + k;
    throw DataError(path, "no arrays for split '" + split_ + "': expected keys " + ik + " and " +
                              lk + " (keys present: " + (keys.empty() ? "none" : keys) + ")");
  }
  at::Tensor images = arrays[ik], labels = arrays[lk];
  const int64_t n = images.dim() > 0 ? images.size(0) : 0;
  if (images.dim() == 3) {  // [N, H, W] grey 2-D
    images_ = images.unsqueeze(1);
    dims_ = 2;
  } else if (images.dim() == 4 && images.size(3) == 3) {  // [N, H, W, 3] RGB 2-D
    images_ = images.permute({0, 3, 1, 2});
    dims_ = 2;
  } else if (images.dim() == 4) {  // [N, D, H, W] 3-D
    images_ = images.unsqueeze(1);
    dims_ = 3;
  } else {
    throw FormatError(path, ik + " has " + std::to_string(images.dim()) +
                                " axes; expected [N,H,W], [N,H,W,3] or [N,D,H,W]");
  }
  images_ = images_.contiguous();
  if (labels.dim() == 2 && labels.size(1) == 1) labels = labels.reshape({-1});
  if (labels.dim() != 1)
    throw FormatError(path, lk + " must be [N] or [N,1] (one class per image; multi-label "
                                 "sets are not supported)");
  if (labels.size(0) != n)
    throw FormatError(path, lk + " has " + std::to_string(labels.size(0)) + " labels for " +
                                std::to_string(n) + " images");
  at::Tensor l = labels.to(torch::kLong).contiguous();
  labels_.assign(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + n);
}

size_t NpzDataset::size() const { return labels_.size(); }

Sample NpzDataset::get(size_t index) const {
  if (index >= labels_.size())
    throw DataError(path_, "index " + std::to_string(index) + " out of range (" +
                               std::to_string(labels_.size()) + " images in " + split_ + ")");
  Sample s;
  s.id = split_ + "_" + std::to_string(index);
  at::Tensor t = images_[static_cast<int64_t>(index)].clone();
  s.image = Image(t, Geometry::identity(dims_), pixel_type_of(t.scalar_type()));
  s.image.source = path_;
  s.label = labels_[index];
  return s;
}

std::vector<std::string> NpzDataset::class_names() const {
  int64_t k = 0;
  for (int64_t l : labels_) k = std::max(k, l + 1);
  std::vector<std::string> out;
  for (int64_t i = 0; i < k; ++i) out.push_back(std::to_string(i));
  return out;
}

std::string NpzDataset::describe() const {
  return "npz " + path_ + " split " + split_ + " (" + std::to_string(labels_.size()) + " " +
         std::to_string(dims_) + "-D images)";
}

}  // namespace medcnn
