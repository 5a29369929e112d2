// `medcnn augment-preview` through the program: grid size, tiles that differ,
// the mask outline, 3-D slices, and errors that name the config file.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <set>

#include "medcnn/io/image_io.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::CommandResult;
using medcnn::test::run_medcnn;
using medcnn::test::TempDir;
using medcnn::test::write_text;

namespace {

// Tiles of a grid PNG ([3, H, W] uint8), row by row.
std::vector<at::Tensor> tiles_of(const at::Tensor& grid, int64_t rows, int64_t cols, int64_t th,
                                 int64_t tw, int64_t gap) {
  std::vector<at::Tensor> out;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out.push_back(grid.narrow(1, r * (th + gap), th).narrow(2, c * (tw + gap), tw));
  return out;
}

int64_t red_pixels(const at::Tensor& tile) {
  return (tile[0].eq(255) & tile[1].eq(0) & tile[2].eq(0)).sum().item<int64_t>();
}

}  // namespace

TEST(AugmentPreview, WritesGridOfDifferentTilesWithMaskOutline) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"--seed", "2", "phantom", dir.path(), "-n", "1", "--size", "64"}).exit_code, 0);
  const std::string image = dir.file("images/phantom_0000.png");
  const std::string mask = dir.file("masks/phantom_0000.png");
  const std::string cfg = dir.file("aug.toml");
  write_text(cfg, R"(
[[transforms]]
name = "RandCropByPosNegLabel"
spatial_size = [40, 36]
pos = 1
neg = 0

[[transforms]]
name = "RandFlip"
prob = 0.5
)");
  const std::string out = dir.file("grid.png");
  CommandResult r = run_medcnn({"--seed", "5", "augment-preview", image, "--config", cfg,
                                "--mask", mask, "-n", "7", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("grid.png"), std::string::npos) << r.out;
  Image grid = read_image(out);
  // 7 tiles: 3 per row, 3 rows; 40x36 tiles, 2-pixel gaps.
  ASSERT_EQ(grid.channels(), 3);
  ASSERT_EQ(grid.spatial_shape(), (std::vector<int64_t>{3 * 40 + 2 * 2, 3 * 36 + 2 * 2}));
  auto tiles = tiles_of(grid.data, 3, 3, 40, 36, 2);
  std::set<std::vector<uint8_t>> distinct;
  for (int i = 0; i < 7; ++i) {
    at::Tensor t = tiles[i].contiguous();
    distinct.insert(std::vector<uint8_t>(t.data_ptr<uint8_t>(), t.data_ptr<uint8_t>() + t.numel()));
    EXPECT_GT(red_pixels(tiles[i]), 0) << "tile " << i << " has no lesion outline";
    EXPECT_EQ(t.max().item<int>(), 255) << "tile " << i << " not min-max scaled";
  }
  EXPECT_GE(distinct.size(), 5u);
  for (int i = 7; i < 9; ++i) EXPECT_EQ(tiles[i].max().item<int>(), 0);  // empty cells

  // Same seed, same grid; another seed, another grid.
  const std::string again = dir.file("again.png"), other = dir.file("other.png");
  ASSERT_EQ(run_medcnn({"--seed", "5", "augment-preview", image, "-c", cfg, "-m", mask, "-n", "7",
                        "-o", again}).exit_code, 0);
  ASSERT_EQ(run_medcnn({"--seed", "6", "augment-preview", image, "-c", cfg, "-m", mask, "-n", "7",
                        "-o", other}).exit_code, 0);
  EXPECT_TRUE(torch::equal(read_image(again).data, grid.data));
  EXPECT_FALSE(torch::equal(read_image(other).data, grid.data));

  // Overrides change the chain: no flips, a full-size crop: four equal tiles.
  const std::string plain = dir.file("plain.png");
  r = run_medcnn({"augment-preview", image, "-c", cfg, "-m", mask, "-n", "4", "-o", plain, "--gap", "0",
                  "--set", "transforms.0.spatial_size=64", "--set", "transforms.1.prob=0.0",
                  "--set", "transforms.0.neg=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Image p = read_image(plain);
  ASSERT_EQ(p.spatial_shape(), (std::vector<int64_t>{128, 128}));
  auto same = tiles_of(p.data, 2, 2, 64, 64, 0);
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(torch::equal(same[0], same[i]));
  EXPECT_GT(red_pixels(same[0]), 0);
}

TEST(AugmentPreview, VolumesShowAnAxialSlice) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.path(), "-n", "1", "--dims", "3", "--size", "32", "--min-radius", "3",
                        "--max-radius", "5"}).exit_code, 0);
  const std::string image = dir.file("images/phantom_0000.nii.gz");
  const std::string mask = dir.file("masks/phantom_0000.nii.gz");
  const std::string cfg = dir.file("aug3d.toml");
  write_text(cfg, "[[transforms]]\nname = \"RandCropByPosNegLabel\"\nspatial_size = [12, 16, 20]\n");
  const std::string out = dir.file("grid3d.png");
  CommandResult r = run_medcnn({"augment-preview", image, "-c", cfg, "-m", mask, "-n", "4", "-o",
                                out, "--slice", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_image(out).spatial_shape(), (std::vector<int64_t>{2 * 16 + 2, 2 * 20 + 2}));
  r = run_medcnn({"augment-preview", image, "-c", cfg, "-m", mask, "-n", "4", "-o", out, "--slice", "12"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("--slice"), std::string::npos) << r.err;
}

TEST(AugmentPreview, BadConfigNamesTheFile) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.path(), "-n", "1"}).exit_code, 0);
  const std::string image = dir.file("images/phantom_0000.png");
  const std::string broken = dir.file("broken.toml");
  write_text(broken, "[[transforms]]\nname = \"RandFlip\nprob = 0.5\n");
  CommandResult r = run_medcnn({"augment-preview", image, "-c", broken, "-o", dir.file("x.png")});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find(broken), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;

  const std::string unknown = dir.file("unknown.toml");
  write_text(unknown, "[[transforms]]\nname = \"RandWobble\"\n");
  r = run_medcnn({"augment-preview", image, "-c", unknown, "-o", dir.file("x.png")});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find(unknown), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("RandWobble"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("RandFlip"), std::string::npos) << r.err;  // a known name is listed

  r = run_medcnn({"augment-preview", image, "-c", dir.file("missing.toml"), "-o", dir.file("x.png")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.toml"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(dir.file("x.png")).good());
}
