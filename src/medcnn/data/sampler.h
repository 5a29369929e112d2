// Sampler: which data set cases an epoch visits, and in what order.
//
// Contract
//  - epoch_indices(epoch) returns the dataset indices of epoch `epoch`, in
//    order; the same (seed, epoch) always gives the same list, and an index
//    may repeat (oversampling). size() is the length of every epoch.
//  - The DataLoader uses a sampler when LoaderOptions::sampler is set (its
//    `shuffle` flag is then ignored: the sampler decides the order) and
//    checks that every index is below the data set's size.
//
// ClassBalancedSampler (class-balanced oversampling): every epoch draws each
// class equally often: with K classes present and epoch length L, each class
// gets floor(L / K) draws and L mod K classes (picked at random) one more.
// Within a class the cases are drawn uniformly with replacement, and the
// epoch's list is shuffled; all from Rng::derive(seed, {epoch, key}). So a
// rare class is oversampled and a common one undersampled. Cases with label
// < 0 (no label) are never drawn. epoch_length 0 = the number of labelled
// cases. Throws DataError when no case has a label.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace medcnn {

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual size_t size() const = 0;
  virtual std::vector<size_t> epoch_indices(int64_t epoch) const = 0;
};

using SamplerPtr = std::shared_ptr<const Sampler>;

class ClassBalancedSampler : public Sampler {
 public:
  ClassBalancedSampler(const std::vector<int64_t>& labels, uint64_t seed, size_t epoch_length = 0);
  size_t size() const override { return length_; }
  std::vector<size_t> epoch_indices(int64_t epoch) const override;
  // Cases per class (label -> dataset indices), labelled cases only.
  const std::map<int64_t, std::vector<size_t>>& classes() const { return by_class_; }

 private:
  std::map<int64_t, std::vector<size_t>> by_class_;
  std::vector<const std::vector<size_t>*> class_list_;
  uint64_t seed_;
  size_t length_;
};

}  // namespace medcnn
