#include "medcnn/transforms/intensity/to_grey.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {

ToGrey::ToGrey(const Params& p) { check_keys(p, name(), {}); }

void ToGrey::apply(Sample& sample, Rng& /*rng*/) const {
  const int64_t c = sample.image.data.dim() ? sample.image.channels() : 0;
  if (c == 1) return;
  if (c != 3 && c != 4)
    throw DataError(name() + (sample.id.empty() ? "" : " (" + sample.id + ")"),
                    "needs 1, 3 or 4 channels, got " + std::to_string(c));
  auto x = sample.image.data.to(torch::kFloat);
  auto grey = x[0] * 0.299 + x[1] * 0.587 + x[2] * 0.114;
  sample.image = sample.image.with_data(grey.unsqueeze(0).contiguous(), PixelType::Float32);
}

MEDCNN_REGISTER_TRANSFORM(ToGrey)

}  // namespace medcnn
