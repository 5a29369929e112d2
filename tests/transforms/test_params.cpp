// Transform parameters: unknown / ill-typed keys name transform and key;
// every transform of this family is registered and says if it is spatial
// and random; the deterministic prefix is what the loader caches.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/transform.h"
#include "test_support.h"

using namespace medcnn;

namespace {
std::string config_error(const std::string& json) {
  try {
    make_transforms(nlohmann::json::parse(json));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(TransformParams, UnknownKeyNamesTransformAndKey) {
  for (const char* name : {"NormalizeIntensity", "ScaleIntensity", "Resize", "RandFlip",
                           "RandSpatialCrop", "CenterSpatialCrop", "SpatialPad"}) {
    const std::string m = config_error(std::string(R"([{"name": ")") + name +
                                       R"(", "spatial_size": 4, "roi_size": 4, "bogus_key": 1}])");
    EXPECT_NE(m.find(name), std::string::npos) << m;
    EXPECT_NE(m.find("bogus_key"), std::string::npos) << m;
  }
}

TEST(TransformParams, IllTypedValueNamesTransformAndKey) {
  std::string m = config_error(R"([{"name": "RandFlip", "prob": "often"}])");
  EXPECT_NE(m.find("RandFlip.prob"), std::string::npos) << m;
  m = config_error(R"([{"name": "NormalizeIntensity", "nonzero": 1}])");
  EXPECT_NE(m.find("NormalizeIntensity.nonzero"), std::string::npos) << m;
  m = config_error(R"([{"name": "Resize", "spatial_size": [4.5, 3]}])");
  EXPECT_NE(m.find("Resize.spatial_size"), std::string::npos) << m;
  m = config_error(R"([{"name": "RandFlip", "prob": 1.5}])");
  EXPECT_NE(m.find("RandFlip.prob"), std::string::npos) << m;
}

TEST(TransformParams, FlagsAndCacheablePrefix) {
  Compose c = make_transforms(nlohmann::json::parse(R"([
    {"name": "ScaleIntensity"}, {"name": "Resize", "spatial_size": 8},
    {"name": "RandSpatialCrop", "roi_size": 4}, {"name": "NormalizeIntensity"},
    {"name": "RandFlip"}])"));
  auto [prefix, rest] = c.split_at_first_random();
  ASSERT_EQ(prefix.transforms().size(), 2u);
  EXPECT_EQ(rest.transforms().front()->name(), "RandSpatialCrop");
  EXPECT_FALSE(c.transforms()[0]->is_spatial());
  EXPECT_TRUE(c.transforms()[1]->is_spatial());
  EXPECT_FALSE(c.transforms()[1]->is_random());
  EXPECT_TRUE(c.transforms()[4]->is_random());
  EXPECT_TRUE(c.transforms()[4]->is_spatial());
  // The whole pipeline runs on 3-D.
  Sample s;
  s.image = Image::from_tensor(torch::rand({1, 10, 12, 14}), 3);
  s.mask = Image::from_tensor(torch::zeros({1, 10, 12, 14}, torch::kUInt8), 3);
  Rng rng(1);
  c.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{4, 4, 4}));
  EXPECT_EQ(s.mask->spatial_shape(), (std::vector<int64_t>{4, 4, 4}));
}
