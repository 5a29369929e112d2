// DataLoader: worker threads, prefetch, an in-memory cache and collation.
//
// For each epoch the loader orders the dataset (shuffled by (seed, epoch) or
// in order), cuts it into batches and has `workers` threads read, transform
// and collate them, keeping up to `prefetch` batches ready. Batches come out
// in order; sample i of epoch e is transformed with Rng::derive(seed, {e, i}),
// so the output is the same for any number of workers.
//
// Cache (cache = true): the result of the transforms before the first random
// one is kept in memory per case (MONAI's CacheDataset), so files are read
// and deterministic preprocessing is done once.
//
// Collation: images are stacked into [B, C, spatial...] float32 (all samples
// of a batch must have the same shape: DataError naming the two ids
// otherwise); masks into [B, 1, spatial...] int64 if every sample has one;
// labels into [B] int64; boxes are kept per sample.
//
// workers = 0 reads in the calling thread (useful for debugging).
//
// Sampler (optional, LoaderOptions::sampler, e.g. ClassBalancedSampler):
// when set, it gives each epoch's list of dataset indices (its length is the
// epoch length; indices may repeat) and `shuffle` is ignored. A sample is
// then transformed with Rng::derive(seed, {e, i, p + 1}) where p is its
// position in the epoch, so repeated draws of one case get different
// augmentations. Unset: the behaviour above, unchanged.
#pragma once
#include <ATen/core/Tensor.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medcnn/data/dataset.h"
#include "medcnn/data/sampler.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct Batch {
  std::vector<std::string> ids;
  at::Tensor images;  // [B, C, ...] float32
  at::Tensor masks;   // [B, 1, ...] int64 or undefined
  at::Tensor labels;  // [B] int64
  std::vector<std::vector<Box>> boxes;
  std::vector<Sample> samples;  // kept only with LoaderOptions::keep_samples
  int64_t size() const { return static_cast<int64_t>(ids.size()); }
};

struct LoaderOptions {
  int64_t batch_size = 16;
  bool shuffle = false;
  bool drop_last = false;
  int workers = 2;
  int prefetch = 4;   // batches ready ahead
  bool cache = false;
  uint64_t seed = 0;
  bool keep_samples = false;
  SamplerPtr sampler;  // optional: epoch order from a sampler (see above)
};

Batch collate(std::vector<Sample> samples, bool keep_samples = false);

class DataLoader {
 public:
  DataLoader(DatasetPtr dataset, Compose transforms, LoaderOptions options);
  ~DataLoader();

  size_t batches_per_epoch() const;
  // Starts epoch `epoch`; then call next() until it returns nullopt.
  void start_epoch(int64_t epoch);
  std::optional<Batch> next();

  const Dataset& dataset() const { return *dataset_; }

 private:
  struct State;
  DatasetPtr dataset_;
  Compose transforms_;
  LoaderOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace medcnn
