// Transform: one step of preprocessing or augmentation, applied to a whole Sample.
//
// Contract
//  - apply(sample, rng) changes the sample in place. A spatial transform
//    (is_spatial() true) moves the image, the mask and the boxes together and
//    updates the geometry (spacing, origin) so physical positions stay true;
//    masks are always resampled with nearest neighbour, so the label set is
//    kept. A non-spatial (intensity) transform touches the image only.
//  - A random transform (is_random() true, MONAI's "Rand..." names) draws
//    only from rng; the loader gives each sample its own seeded rng, so
//    results do not depend on thread count.
//  - Deterministic transforms before the first random one can be cached.
//  - Parameters come from a JSON object (TOML configs are converted to JSON);
//    unknown or ill-typed keys throw ConfigError naming the transform and key.
//  - Works on 2-D and 3-D images unless the class says otherwise.
#pragma once
#include <nlohmann/json.hpp>

#include "medcnn/core/params.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "medcnn/core/rng.h"
#include "medcnn/data/sample.h"

namespace medcnn {

using Params = nlohmann::json;

class Transform {
 public:
  virtual ~Transform() = default;
  virtual std::string name() const = 0;
  virtual bool is_spatial() const = 0;
  virtual bool is_random() const { return false; }
  virtual void apply(Sample& sample, Rng& rng) const = 0;
};

using TransformPtr = std::shared_ptr<const Transform>;

// Applies transforms in order.
class Compose : public Transform {
 public:
  explicit Compose(std::vector<TransformPtr> transforms) : transforms_(std::move(transforms)) {}
  std::string name() const override { return "Compose"; }
  bool is_spatial() const override;
  bool is_random() const override;
  void apply(Sample& sample, Rng& rng) const override;
  const std::vector<TransformPtr>& transforms() const { return transforms_; }
  // Leading deterministic transforms (cacheable) and the rest.
  std::pair<Compose, Compose> split_at_first_random() const;

 private:
  std::vector<TransformPtr> transforms_;
};

// Registry: transforms by name, so a config can list them.
//   registry name -> factory(params)
class TransformRegistry {
 public:
  using Factory = std::function<TransformPtr(const Params&)>;
  static TransformRegistry& instance();
  void add(const std::string& name, Factory factory);
  TransformPtr create(const std::string& name, const Params& params) const;  // ConfigError if unknown
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory> factories_;
};

// Registers a transform class at static-initialisation time:
//   MEDCNN_REGISTER_TRANSFORM(RandFlip)   (the class needs a ctor from const Params&)
#define MEDCNN_REGISTER_TRANSFORM(Class)                                                    \
  namespace {                                                                               \
  const bool registered_##Class = [] {                                                      \
    ::medcnn::TransformRegistry::instance().add(                                            \
        #Class, [](const ::medcnn::Params& p) { return std::make_shared<const Class>(p); }); \
    return true;                                                                            \
  }();                                                                                      \
  }

// Builds a Compose from a JSON array of {"name": "...", ...params}.
Compose make_transforms(const Params& list);

// Helpers for parameter parsing: throw ConfigError "<transform>.<key>: ..."
double param_double(const Params& p, const std::string& transform, const std::string& key, double def);
int64_t param_int(const Params& p, const std::string& transform, const std::string& key, int64_t def);
bool param_bool(const Params& p, const std::string& transform, const std::string& key, bool def);
std::string param_string(const Params& p, const std::string& transform, const std::string& key, const std::string& def);
std::vector<int64_t> param_ints(const Params& p, const std::string& transform, const std::string& key, std::vector<int64_t> def);
// The "prob" of a random transform, checked to lie in [0, 1].
double param_prob(const Params& p, const std::string& transform, double def);
// Throws ConfigError if p has a key outside `allowed` ("name" is always allowed).

}  // namespace medcnn
