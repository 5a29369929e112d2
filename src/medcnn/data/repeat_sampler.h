// RepeatSampler: each epoch visits every case `repeats` times in a shuffled
// order (patch training: with a random crop in the transforms, one image
// gives `repeats` different patches per epoch, as nnU-Net's "iterations per
// epoch" and MONAI's num_samples).
//
// Contract (sampler.h): size() = repeats * cases; epoch_indices(e) holds
// every index exactly `repeats` times, shuffled by Rng::derive(seed, {e,
// key}). DataError for zero cases, ConfigError for repeats < 1.
#pragma once
#include "medcnn/data/sampler.h"

namespace medcnn {

class RepeatSampler : public Sampler {
 public:
  RepeatSampler(size_t cases, int64_t repeats, uint64_t seed);
  size_t size() const override { return cases_ * static_cast<size_t>(repeats_); }
  std::vector<size_t> epoch_indices(int64_t epoch) const override;

 private:
  size_t cases_;
  int64_t repeats_;
  uint64_t seed_;
};

}  // namespace medcnn
