#include "medcnn/transforms/intensity/extract_green_channel.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {

ExtractGreenChannel::ExtractGreenChannel(const Params& p) { check_keys(p, name(), {}); }

void ExtractGreenChannel::apply(Sample& sample, Rng& /*rng*/) const {
  if (sample.image.data.dim() < 2 || sample.image.channels() != 3)
    throw DataError(name() + (sample.id.empty() ? "" : " (" + sample.id + ")"),
                    "needs an RGB image with 3 channels, got " +
                        std::to_string(sample.image.data.dim() ? sample.image.channels() : 0));
  sample.image = sample.image.with_data(sample.image.data.narrow(0, 1, 1).clone(),
                                        sample.image.pixel_type);
}

MEDCNN_REGISTER_TRANSFORM(ExtractGreenChannel)

}  // namespace medcnn
