// DataLoader and collate: see loader.h for the contract.
//
// Threads: `workers` persistent threads take batch numbers of the current
// epoch in order, build the batch (read, transform, collate) and store it
// (or the exception it threw) under its number; next() hands batches out
// in number order. At most max(prefetch, 1) batches are in flight or ready
// at once. start_epoch bumps a generation counter so work of an abandoned
// epoch is thrown away; the destructor stops and joins the threads even
// when an epoch is half-read.
#include "medcnn/data/loader.h"

#include <torch/torch.h>

#include <condition_variable>
#include <functional>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"

namespace medcnn {

namespace {

std::string shape_string(at::IntArrayRef s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

// Key for the per-epoch shuffle stream, apart from the per-sample streams.
constexpr uint64_t kShuffleKey = 0x53485546464c45ULL;  // "SHUFFLE"

}  // namespace

Batch collate(std::vector<Sample> samples, bool keep_samples) {
  Batch b;
  if (samples.empty()) return b;
  const Sample& first = samples.front();
  bool all_masks = true;
  std::vector<at::Tensor> images, masks;
  std::vector<int64_t> labels;
  for (const Sample& s : samples) {
    if (!s.image.defined()) throw DataError(s.id, "sample has no image");
    if (s.image.data.sizes() != first.image.data.sizes())
      throw DataError("batch", "sample '" + first.id + "' has image shape " +
                                   shape_string(first.image.data.sizes()) + " but sample '" +
                                   s.id + "' has " + shape_string(s.image.data.sizes()) +
                                   " (resize or crop to one size to batch them)");
    b.ids.push_back(s.id);
    images.push_back(s.image.data.to(torch::kFloat));
    labels.push_back(s.label);
    b.boxes.push_back(s.boxes);
    if (!s.mask) all_masks = false;
  }
  if (all_masks) {
    for (const Sample& s : samples) {
      const at::Tensor& m = s.mask->data;
      if (m.size(0) != 1)
        throw DataError(s.id, "mask has " + std::to_string(m.size(0)) +
                                  " channels; a label map must have one");
      if (m.sizes().slice(1) != s.image.data.sizes().slice(1))
        throw DataError(s.id, "mask shape " + shape_string(m.sizes()) +
                                  " does not match image shape " +
                                  shape_string(s.image.data.sizes()));
      masks.push_back(m.to(torch::kLong));
    }
    b.masks = torch::stack(masks);
  }
  b.images = torch::stack(images);
  b.labels = torch::tensor(labels, torch::kLong);
  if (keep_samples) b.samples = std::move(samples);
  return b;
}

struct DataLoader::State {
  std::mutex mu;
  std::condition_variable work_cv;   // workers wait for work
  std::condition_variable ready_cv;  // next() waits for a result
  std::vector<std::thread> threads;
  bool stop = false;

  // Current epoch.
  uint64_t generation = 0;
  int64_t epoch = -1;
  std::vector<std::vector<size_t>> batches;  // dataset indices per batch
  size_t next_issue = 0;    // next batch number a worker takes
  size_t next_deliver = 0;  // next batch number next() returns
  struct Result {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };
  std::map<size_t, Result> ready;

  // Cache of the deterministic prefix, per dataset index.
  std::mutex cache_mu;
  std::vector<std::shared_ptr<const Sample>> cache;

  // Reads, transforms and collates the samples of one batch.
  // `first` is the epoch position of the batch's first sample.
  std::function<Batch(const std::vector<size_t>&, int64_t, size_t)> make_batch;
};

DataLoader::DataLoader(DatasetPtr dataset, Compose transforms, LoaderOptions options)
    : dataset_(std::move(dataset)),
      transforms_(std::move(transforms)),
      options_(options),
      state_(std::make_unique<State>()) {
  if (!dataset_) throw DataError("loader", "no data set");
  if (options_.batch_size < 1)
    throw ConfigError("loader.batch_size", "must be at least 1, got " +
                                               std::to_string(options_.batch_size));
  if (options_.workers < 0)
    throw ConfigError("loader.workers", "must be 0 or more, got " +
                                            std::to_string(options_.workers));
  if (options_.cache) state_->cache.resize(dataset_->size());

  auto [prefix, rest] = transforms_.split_at_first_random();
  auto make_sample = [this, prefix = std::move(prefix), rest = std::move(rest)](
                         size_t index, int64_t epoch, size_t position) -> Sample {
    // With a sampler a case may come several times per epoch: key by position too.
    Rng rng = options_.sampler
                  ? Rng::derive(options_.seed, {static_cast<uint64_t>(epoch), index, position + 1})
                  : Rng::derive(options_.seed, {static_cast<uint64_t>(epoch), index});
    if (!options_.cache) {
      Sample s = dataset_->get(index);
      transforms_.apply(s, rng);
      return s;
    }
    std::shared_ptr<const Sample> cached;
    {
      std::lock_guard<std::mutex> lock(state_->cache_mu);
      cached = state_->cache[index];
    }
    if (!cached) {
      Sample s = dataset_->get(index);
      Rng unused(0);  // deterministic transforms draw nothing
      prefix.apply(s, unused);
      cached = std::make_shared<const Sample>(std::move(s));
      std::lock_guard<std::mutex> lock(state_->cache_mu);
      if (!state_->cache[index]) state_->cache[index] = cached;
    }
    Sample s = *cached;
    // Tensors are shared with the cache: transforms must not write in place
    // into them, so give the random part its own copies.
    s.image.data = s.image.data.clone();
    if (s.mask) s.mask->data = s.mask->data.clone();
    rest.apply(s, rng);
    return s;
  };
  state_->make_batch = [this, make_sample](const std::vector<size_t>& indices, int64_t epoch,
                                           size_t first) {
    std::vector<Sample> samples;
    samples.reserve(indices.size());
    for (size_t k = 0; k < indices.size(); ++k)
      samples.push_back(make_sample(indices[k], epoch, first + k));
    return collate(std::move(samples), options_.keep_samples);
  };

  State& st = *state_;
  for (int w = 0; w < options_.workers; ++w) {
    st.threads.emplace_back([this, &st] {
      std::unique_lock<std::mutex> lock(st.mu);
      const size_t limit = static_cast<size_t>(std::max(options_.prefetch, 1));
      while (true) {
        st.work_cv.wait(lock, [&] {
          return st.stop || (st.next_issue < st.batches.size() &&
                             st.next_issue - st.next_deliver < limit);
        });
        if (st.stop) return;
        const size_t number = st.next_issue++;
        const uint64_t gen = st.generation;
        const int64_t epoch = st.epoch;
        const std::vector<size_t> indices = st.batches[number];
        lock.unlock();
        State::Result r;
        try {
          r.batch = st.make_batch(indices, epoch, number * static_cast<size_t>(options_.batch_size));
        } catch (...) {
          r.error = std::current_exception();
        }
        lock.lock();
        if (gen == st.generation) {
          st.ready.emplace(number, std::move(r));
          st.ready_cv.notify_all();
        }
      }
    });
  }
}

DataLoader::~DataLoader() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  state_->work_cv.notify_all();
  state_->ready_cv.notify_all();
  for (auto& t : state_->threads)
    if (t.joinable()) t.join();
}

size_t DataLoader::batches_per_epoch() const {
  const size_t n = options_.sampler ? options_.sampler->size() : dataset_->size();
  const size_t b = static_cast<size_t>(options_.batch_size);
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void DataLoader::start_epoch(int64_t epoch) {
  size_t n = dataset_->size();
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  if (options_.sampler) {
    order = options_.sampler->epoch_indices(epoch);
    if (order.size() != options_.sampler->size())
      throw DataError("loader.sampler", "gave " + std::to_string(order.size()) +
                                            " indices for an epoch of " +
                                            std::to_string(options_.sampler->size()));
    for (size_t i : order)
      if (i >= n)
        throw DataError("loader.sampler", "index " + std::to_string(i) +
                                              " is past the end of the data set (" +
                                              std::to_string(n) + " cases)");
    n = order.size();
  } else if (options_.shuffle) {
    Rng rng = Rng::derive(options_.seed, {static_cast<uint64_t>(epoch), kShuffleKey});
    for (size_t i = n; i > 1; --i) {
      size_t j = static_cast<size_t>(rng.randint(0, static_cast<int64_t>(i) - 1));
      std::swap(order[i - 1], order[j]);
    }
  }
  std::vector<std::vector<size_t>> batches;
  const size_t per = batches_per_epoch(), b = static_cast<size_t>(options_.batch_size);
  for (size_t k = 0; k < per; ++k) {
    const size_t lo = k * b, hi = std::min(n, lo + b);
    batches.emplace_back(order.begin() + lo, order.begin() + hi);
  }
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    ++state_->generation;
    state_->epoch = epoch;
    state_->batches = std::move(batches);
    state_->next_issue = 0;
    state_->next_deliver = 0;
    state_->ready.clear();
  }
  state_->work_cv.notify_all();
}

std::optional<Batch> DataLoader::next() {
  State& st = *state_;
  std::unique_lock<std::mutex> lock(st.mu);
  if (st.epoch < 0) {
    lock.unlock();
    start_epoch(0);
    lock.lock();
  }
  if (st.next_deliver >= st.batches.size()) return std::nullopt;
  if (options_.workers == 0) {
    const size_t number = st.next_deliver++;
    st.next_issue = st.next_deliver;
    const auto indices = st.batches[number];
    const int64_t epoch = st.epoch;
    lock.unlock();
    return st.make_batch(indices, epoch, number * static_cast<size_t>(options_.batch_size));
  }
  st.ready_cv.wait(lock, [&] { return st.stop || st.ready.count(st.next_deliver) > 0; });
  if (st.stop) return std::nullopt;
  auto node = st.ready.extract(st.next_deliver);
  ++st.next_deliver;
  lock.unlock();
  st.work_cv.notify_all();
  State::Result& r = node.mapped();
  if (r.error) std::rethrow_exception(r.error);
  return std::move(r.batch);
}

}  // namespace medcnn
