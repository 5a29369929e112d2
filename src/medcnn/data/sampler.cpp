// Samplers: see sampler.h for the contract.
#include "medcnn/data/sampler.h"

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"

namespace medcnn {

namespace {
constexpr uint64_t kBalancedKey = 0x42414c414e4345ULL;  // "BALANCE"
}

ClassBalancedSampler::ClassBalancedSampler(const std::vector<int64_t>& labels, uint64_t seed,
                                           size_t epoch_length)
    : seed_(seed) {
  size_t labelled = 0;
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) {
      by_class_[labels[i]].push_back(i);
      ++labelled;
    }
  if (by_class_.empty())
    throw DataError("ClassBalancedSampler", "no case has a label (class-balanced sampling needs "
                                            "labels)");
  for (const auto& [label, idx] : by_class_) class_list_.push_back(&idx);
  length_ = epoch_length ? epoch_length : labelled;
}

std::vector<size_t> ClassBalancedSampler::epoch_indices(int64_t epoch) const {
  Rng rng = Rng::derive(seed_, {static_cast<uint64_t>(epoch), kBalancedKey});
  const size_t k = class_list_.size();
  // Quotas: floor(L / K) each, the remainder to randomly chosen classes.
  std::vector<size_t> quota(k, length_ / k), order(k);
  for (size_t c = 0; c < k; ++c) order[c] = c;
  for (size_t i = k; i > 1; --i)
    std::swap(order[i - 1], order[static_cast<size_t>(rng.randint(0, static_cast<int64_t>(i) - 1))]);
  for (size_t r = 0; r < length_ % k; ++r) ++quota[order[r]];
  std::vector<size_t> out;
  out.reserve(length_);
  for (size_t c = 0; c < k; ++c) {
    const auto& members = *class_list_[c];
    const int64_t last = static_cast<int64_t>(members.size()) - 1;
    for (size_t j = 0; j < quota[c]; ++j)
      out.push_back(members[static_cast<size_t>(rng.randint(0, last))]);
  }
  for (size_t i = out.size(); i > 1; --i)
    std::swap(out[i - 1], out[static_cast<size_t>(rng.randint(0, static_cast<int64_t>(i) - 1))]);
  return out;
}

}  // namespace medcnn
