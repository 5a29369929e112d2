#include "medcnn/data/repeat_sampler.h"

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"

namespace medcnn {
namespace {
constexpr uint64_t kRepeatKey = 0x524550454154ULL;  // "REPEAT"
}

RepeatSampler::RepeatSampler(size_t cases, int64_t repeats, uint64_t seed)
    : cases_(cases), repeats_(repeats), seed_(seed) {
  if (cases == 0) throw DataError("RepeatSampler", "no cases to sample");
  if (repeats < 1) throw ConfigError("train.repeats", "must be at least 1");
}

std::vector<size_t> RepeatSampler::epoch_indices(int64_t epoch) const {
  Rng rng = Rng::derive(seed_, {static_cast<uint64_t>(epoch), kRepeatKey});
  std::vector<size_t> out;
  out.reserve(size());
  for (int64_t r = 0; r < repeats_; ++r)
    for (size_t i = 0; i < cases_; ++i) out.push_back(i);
  for (size_t i = out.size(); i > 1; --i)
    std::swap(out[i - 1], out[static_cast<size_t>(rng.randint(0, static_cast<int64_t>(i) - 1))]);
  return out;
}

}  // namespace medcnn
