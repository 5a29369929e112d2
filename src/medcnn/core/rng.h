// Rng: the one source of randomness. Every random choice in medcnn draws from
// an explicitly seeded Rng, so the same seed gives the same result on CPU.
//
// Per-sample streams: Rng::derive(seed, a, b, ...) mixes integers (epoch,
// sample index, worker-independent) into an independent stream, so results do
// not depend on the number of loader threads or the order they run in.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <random>

namespace medcnn {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) : seed_(seed), engine_(splitmix(seed)) {}

  static Rng derive(uint64_t seed, std::initializer_list<uint64_t> keys) {
    uint64_t h = splitmix(seed);
    for (uint64_t k : keys) h = splitmix(h ^ (k + 0x9e3779b97f4a7c15ULL));
    return Rng(h);
  }

  uint64_t seed() const { return seed_; }
  std::mt19937_64& engine() { return engine_; }

  double uniform(double lo = 0.0, double hi = 1.0) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  double normal(double mean = 0.0, double sd = 1.0) {
    return std::normal_distribution<double>(mean, sd)(engine_);
  }
  // Integer in [lo, hi] inclusive.
  int64_t randint(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine_);
  }
  bool bernoulli(double p) { return uniform() < p; }
  uint64_t next() { return engine_(); }

 private:
  static uint64_t splitmix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  uint64_t seed_;
  std::mt19937_64 engine_;
};

}  // namespace medcnn
