// Dataset base and Subset: see dataset.h for the contract.
#include "medcnn/data/dataset.h"

#include "medcnn/core/error.h"

namespace medcnn {

std::vector<int64_t> Dataset::labels() const { return std::vector<int64_t>(size(), -1); }

Subset::Subset(DatasetPtr base, std::vector<size_t> indices)
    : base_(std::move(base)), indices_(std::move(indices)) {
  if (!base_) throw DataError("subset", "no base data set");
  const size_t n = base_->size();
  for (size_t i : indices_)
    if (i >= n)
      throw DataError("subset", "index " + std::to_string(i) + " out of range for " +
                                    base_->describe() + " (" + std::to_string(n) + " cases)");
}

Sample Subset::get(size_t index) const {
  if (index >= indices_.size())
    throw DataError("subset", "index " + std::to_string(index) + " out of range (" +
                                  std::to_string(indices_.size()) + " cases)");
  return base_->get(indices_[index]);
}

std::vector<int64_t> Subset::labels() const {
  auto all = base_->labels();
  std::vector<int64_t> out;
  out.reserve(indices_.size());
  for (size_t i : indices_) out.push_back(all.at(i));
  return out;
}

std::string Subset::describe() const {
  return std::to_string(indices_.size()) + " of " + base_->describe();
}

}  // namespace medcnn

// ---------------------------------------------------------------------------
// read_mask (declared in sources.h): shared by the sources that pair masks.
#include <torch/torch.h>

#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"

namespace medcnn {

Image read_mask(const std::string& path) {
  Image m = read_image(path);
  at::Tensor t = m.data;
  if (t.size(0) > 1) {
    at::Tensor first = t.narrow(0, 0, 1);
    if (!t.eq(first).all().item<bool>())
      throw FormatError(path, "mask has " + std::to_string(t.size(0)) +
                                  " channels that differ; a label map needs one channel");
    t = first.contiguous();
  }
  PixelType type = m.pixel_type;
  if (!is_integer(type)) {
    if (!t.eq(t.round()).all().item<bool>())
      throw FormatError(path, "mask holds fractional values; a label map needs whole numbers");
    t = t.round().to(torch::kLong);
    type = PixelType::Int64;
  } else if (type == PixelType::Bool) {
    t = t.to(torch::kByte);
    type = PixelType::UInt8;
  }
  Image out = m.with_data(t, type);
  return out;
}

}  // namespace medcnn
