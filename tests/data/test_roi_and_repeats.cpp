// Region-of-interest masks from a CSV manifest (DRIVE's field of view, read
// in place and counted again with PIL), MapLabelValue, and the sampler that
// repeats every case for patch training.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"
#include "medcnn/data/repeat_sampler.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/transform.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

TEST(RoiColumn, DriveFieldOfViewBecomesTheIgnoreLabel) {
  MEDCNN_REQUIRE_DATA(drive, "drive/training");
  mt::TempDir dir;
  const std::string manual = drive + "/1st_manual/21_manual1.gif",
                    fov = drive + "/mask/21_training_mask.gif";
  mt::write_text(dir.file("m.csv"), "id,image,mask,roi\n21," + drive + "/images/21_training.tif," +
                                        manual + "," + fov + "\n");
  CsvDataset ds(dir.file("m.csv"));
  Sample s = ds.get(0);
  ASSERT_TRUE(s.mask);
  EXPECT_TRUE(mt::has(s.meta.at("roi_path"), "mask/21_training_mask.gif"));
  nlohmann::json ref = mt::run_oracle("drive_fov.py", {manual, fov});
  ASSERT_FALSE(ref.is_null());
  at::Tensor m = s.mask->data;
  EXPECT_EQ(m.scalar_type(), torch::kLong);
  EXPECT_EQ(m.size(1), ref["shape"][0].get<int64_t>());
  EXPECT_EQ(m.size(2), ref["shape"][1].get<int64_t>());
  EXPECT_EQ(m.eq(kIgnoreLabel).sum().item<int64_t>(), ref["outside"].get<int64_t>());
  EXPECT_EQ(m.eq(255).sum().item<int64_t>(), ref["vessel_inside"].get<int64_t>());
  EXPECT_EQ(m.eq(0).sum().item<int64_t>(), ref["background_inside"].get<int64_t>());

  // MapLabelValue turns {0, 255} into {0, 1} and keeps the ignored pixels.
  auto map = make_transforms(nlohmann::json::array(
      {{{"name", "MapLabelValue"}, {"orig_labels", {0, 255}}, {"target_labels", {0, 1}}}}));
  Rng rng(0);
  map.apply(s, rng);
  at::Tensor mm = s.mask->data;
  EXPECT_EQ(mm.eq(1).sum().item<int64_t>(), ref["vessel_inside"].get<int64_t>());
  EXPECT_EQ(mm.eq(kIgnoreLabel).sum().item<int64_t>(), ref["outside"].get<int64_t>());
}

TEST(RoiColumn, RoiOnAnotherGridIsAnErrorNamingTheFile) {
  MEDCNN_REQUIRE_DATA(drive, "drive/training");
  mt::TempDir dir;
  // A 32x32 ROI against a 565x584 fundus image: different grids.
  write_image(dir.file("small.png"),
              Image::from_tensor(torch::ones({1, 32, 32}, torch::kByte), 2).with_data(
                  torch::ones({1, 32, 32}, torch::kByte), PixelType::UInt8));
  mt::write_text(dir.file("m.csv"), "image,mask,roi\n" + drive + "/images/22_training.tif," +
                                        drive + "/1st_manual/22_manual1.gif," +
                                        dir.file("small.png") + "\n");
  CsvDataset other(dir.file("m.csv"));
  auto grid = mt::expect_error<GeometryError>([&] { other.get(0); });
  EXPECT_TRUE(mt::has(grid, "small.png")) << grid;
  mt::write_text(dir.file("bad.csv"), "image,roi\n" + drive + "/images/22_training.tif," +
                                          dir.file("missing.png") + "\n");
  auto msg = mt::expect_error<DataError>([&] { CsvDataset bad(dir.file("bad.csv")); });
  EXPECT_TRUE(mt::has(msg, "missing.png")) << msg;
}

TEST(MapLabelValue, UnknownValuesAreErrorsUnlessNotStrict) {
  Sample s;
  s.id = "case7";
  s.image = Image::from_tensor(torch::zeros({1, 2, 3}), 2);
  s.mask = Image::from_tensor(torch::tensor({0, 3, 5, 3, 0, 9}, torch::kLong).view({1, 2, 3}), 2);
  auto strict = make_transforms(nlohmann::json::array(
      {{{"name", "MapLabelValue"}, {"orig_labels", {0, 3, 5}}, {"target_labels", {0, 1, 2}}}}));
  Rng rng(0);
  Sample a = s;
  auto msg = mt::expect_error<DataError>([&] { strict.apply(a, rng); });
  EXPECT_TRUE(mt::has(msg, "case7") && mt::has(msg, "9")) << msg;
  auto loose = make_transforms(nlohmann::json::array({{{"name", "MapLabelValue"},
                                                       {"orig_labels", {0, 3, 5}},
                                                       {"target_labels", {0, 1, 2}},
                                                       {"strict", false}}}));
  Sample b = s;
  loose.apply(b, rng);
  EXPECT_TRUE(torch::equal(b.mask->data.flatten(), torch::tensor({0, 1, 2, 1, 0, 9}, torch::kLong)));
  msg = mt::expect_error<ConfigError>([] {
    make_transforms(nlohmann::json::array(
        {{{"name", "MapLabelValue"}, {"orig_labels", {0, 1}}, {"target_labels", {0}}}}));
  });
  EXPECT_TRUE(mt::has(msg, "target_labels")) << msg;
}

TEST(RepeatSampler, EveryCaseRepeatsExactlyAndEpochsDiffer) {
  RepeatSampler s(7, 5, 11);
  EXPECT_EQ(s.size(), 35u);
  auto e0 = s.epoch_indices(0), e1 = s.epoch_indices(1);
  EXPECT_EQ(e0, RepeatSampler(7, 5, 11).epoch_indices(0));  // same (seed, epoch), same order
  EXPECT_NE(e0, e1);
  for (const auto& e : {e0, e1}) {
    std::map<size_t, int> count;
    for (auto i : e) count[i]++;
    ASSERT_EQ(count.size(), 7u);
    for (const auto& [i, c] : count) EXPECT_EQ(c, 5) << i;
  }
  EXPECT_THROW(RepeatSampler(0, 2, 0), DataError);
  EXPECT_THROW(RepeatSampler(3, 0, 0), ConfigError);
}
