// Phantom slide: a 2048 x 1536 slide written once through vips, then read back
// with OpenSlide (medcnn::Slide) and by an independent Python oracle (PIL).
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/data/phantom_slide.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/box_files.h"
#include "medcnn/io/slide.h"
#include "test_support.h"

using namespace medcnn;
namespace fs = std::filesystem;

namespace {

bool have_vips() { return test::run_command("command -v vips").exit_code == 0; }

PhantomSlideOptions small_options() {
  PhantomSlideOptions o;
  o.width = 2048;
  o.height = 1536;
  o.lesions = 5;
  o.min_radius = 50;
  o.max_radius = 110;
  o.tissue_fraction = 0.5;
  o.patches = 40;
  o.patch_size = 64;
  return o;
}

constexpr uint64_t kSeed = 7;

// One slide for the whole suite (writing it is the slow part).
class PhantomSlideTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_vips()) return;
    dir_ = new test::TempDir();
    result_ = new PhantomSlideResult(write_phantom_slide(dir_->path(), small_options(), kSeed));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
    result_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!have_vips()) GTEST_SKIP() << "vips not installed (libvips-tools): no pyramidal TIFF";
    ASSERT_NE(result_, nullptr);
  }
  static test::TempDir* dir_;
  static PhantomSlideResult* result_;
};
test::TempDir* PhantomSlideTest::dir_ = nullptr;
PhantomSlideResult* PhantomSlideTest::result_ = nullptr;

double mean_channel(const Image& im, int c) {
  return im.data.select(0, c).to(torch::kDouble).mean().item<double>();
}

}  // namespace

TEST_F(PhantomSlideTest, WritesTheFilesAndNoTemporaries) {
  const fs::path root(dir_->path());
  EXPECT_EQ(result_->slide, (root / "slide.tif").string());
  for (const char* name : {"slide.tif", "lesions.csv", "slide.json", "patches/manifest.csv"})
    EXPECT_TRUE(fs::is_regular_file(root / name)) << name;
  for (const auto& e : fs::directory_iterator(root))
    EXPECT_NE(e.path().filename().string().rfind(".slide.tmp", 0), 0u) << e.path();
  std::ifstream in(result_->json);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["width"], 2048);
  EXPECT_EQ(j["height"], 1536);
  EXPECT_EQ(j["seed"], kSeed);
  EXPECT_EQ(j["lesion_count"], 5);
  EXPECT_NEAR(j["tissue_fraction"].get<double>(), result_->tissue_fraction, 1e-12);
}

TEST_F(PhantomSlideTest, OpenSlideReadsAPyramid) {
  Slide s(result_->slide);
  EXPECT_EQ(s.level_size(0), (std::array<int64_t, 2>{2048, 1536}));
  EXPECT_GT(s.level_count(), 1);
  EXPECT_EQ(s.level_size(1), (std::array<int64_t, 2>{1024, 768}));
}

TEST_F(PhantomSlideTest, LesionBoxesLieInsideTheSlideAndDoNotOverlap) {
  BoxAnnotations a = read_box_csv(result_->lesions_csv);
  ASSERT_EQ(a.images, std::vector<std::string>{"slide"});
  ASSERT_EQ(a.class_names, std::vector<std::string>{"lesion"});
  ASSERT_EQ(a.boxes[0].size(), 5u);
  const auto& b = a.boxes[0];
  for (size_t i = 0; i < b.size(); ++i) {
    EXPECT_GE(b[i].lo[0], 0);
    EXPECT_GE(b[i].lo[1], 0);
    EXPECT_LE(b[i].hi[0], 2048);
    EXPECT_LE(b[i].hi[1], 1536);
    // The tight box of a disc: square, side 2r with r in [50, 110].
    EXPECT_DOUBLE_EQ(b[i].extent(0), b[i].extent(1));
    EXPECT_GE(b[i].extent(0), 100);
    EXPECT_LE(b[i].extent(0), 220);
    EXPECT_DOUBLE_EQ(b[i].lo[0], result_->lesions[i].lo[0]);
    for (size_t k = i + 1; k < b.size(); ++k) {
      const double ix = std::min(b[i].hi[0], b[k].hi[0]) - std::max(b[i].lo[0], b[k].lo[0]);
      const double iy = std::min(b[i].hi[1], b[k].hi[1]) - std::max(b[i].lo[1], b[k].lo[1]);
      EXPECT_TRUE(ix <= 0 || iy <= 0) << "boxes " << i << " and " << k << " overlap";
    }
  }
}

TEST_F(PhantomSlideTest, LesionCentresAreDarkerAndPurplerThanGlass) {
  Slide s(result_->slide);
  // A glass spot: the generator says no tissue anywhere in a 16 x 16 square.
  PhantomSlide gen(small_options(), kSeed);
  int64_t gx = -1, gy = -1;
  for (int64_t y = 8; y < 1536 - 24 && gx < 0; y += 16)
    for (int64_t x = 8; x < 2048 - 24 && gx < 0; x += 16)
      if (!gen.tissue_at(x, y) && !gen.tissue_at(x + 15, y) && !gen.tissue_at(x, y + 15) &&
          !gen.tissue_at(x + 15, y + 15))
        gx = x, gy = y;
  ASSERT_GE(gx, 0) << "no glass on the slide";
  Image glass = s.read_region(gx, gy, 0, 16, 16);
  for (int c = 0; c < 3; ++c) EXPECT_GT(mean_channel(glass, c), 225);
  for (const Box& b : result_->lesions) {
    const auto c = b.centre();
    Image lesion = s.read_region(static_cast<int64_t>(c[0]) - 8, static_cast<int64_t>(c[1]) - 8,
                                 0, 16, 16);
    const double r = mean_channel(lesion, 0), g = mean_channel(lesion, 1),
                 bl = mean_channel(lesion, 2);
    EXPECT_LT(r, mean_channel(glass, 0) - 50);  // darker
    EXPECT_LT(g, mean_channel(glass, 1) - 100);
    EXPECT_GT(bl, g + 30);  // purple: blue and red well above green
    EXPECT_GT(r, g + 30);
  }
}

// One test runs the oracle (PIL, numpy) on the written files: it is the slow part.
TEST_F(PhantomSlideTest, IndependentReaderAgrees) {
  const nlohmann::json o = test::run_oracle("phantom_slide_check.py", {dir_->path()});
  ASSERT_FALSE(o.is_null());
  // Size and pyramid as PIL sees them.
  EXPECT_EQ(o["width"], 2048);
  EXPECT_EQ(o["height"], 1536);
  EXPECT_EQ(o["pages"].get<int>(), Slide(result_->slide).level_count());
  // 0.5 um per pixel, from the TIFF's resolution tags (OpenSlide 3.4 does not
  // report them for generic TIFFs).
  EXPECT_NEAR(o["mpp_x"].get<double>(), 0.5, 1e-6);
  EXPECT_NEAR(o["mpp_y"].get<double>(), 0.5, 1e-6);
  // lesions.csv as the csv module reads it.
  EXPECT_TRUE(o["boxes_inside"].get<bool>());
  EXPECT_TRUE(o["boxes_disjoint"].get<bool>());
  EXPECT_EQ(o["classes"], nlohmann::json::array({"lesion"}));
  EXPECT_EQ(o["images"], nlohmann::json::array({"slide"}));
  // Colours: dark purple lesions inside pink tissue on white glass.
  const auto& glass = o["glass_rgb"];
  EXPECT_GT(glass[0].get<double>(), 230);
  EXPECT_GT(glass[1].get<double>(), 230);
  ASSERT_EQ(o["lesions"].size(), 5u);
  for (const auto& l : o["lesions"]) {
    EXPECT_DOUBLE_EQ(l["r"].get<double>(), l["ry"].get<double>());
    double centre = 0, glass_sum = 0;
    for (int c = 0; c < 3; ++c) {
      centre += l["centre_rgb"][c].get<double>();
      glass_sum += glass[c].get<double>();
    }
    EXPECT_LT(centre, glass_sum - 150) << l.dump();  // the centre pixel is darker than glass
    // Inner disc: darker purple, about (150, 80, 150) (JPEG, nuclei).
    EXPECT_NEAR(l["disc_rgb"][0].get<double>(), 150, 30) << l.dump();
    EXPECT_NEAR(l["disc_rgb"][1].get<double>(), 80, 30) << l.dump();
    EXPECT_NEAR(l["disc_rgb"][2].get<double>(), 150, 30) << l.dump();
    // Just outside: pink tissue, not glass, and lighter than the lesion.
    EXPECT_LT(l["ring_rgb"][1].get<double>(), 200) << l.dump();
    EXPECT_GT(l["ring_rgb"][1].get<double>(), l["disc_rgb"][1].get<double>() + 40) << l.dump();
  }
  // Tissue share: counted exactly by the generator vs the oracle's colour test.
  EXPECT_NEAR(o["tissue_fraction"].get<double>(), result_->tissue_fraction, 0.02);
  EXPECT_NEAR(result_->tissue_fraction, 0.5, 0.08);
  // Patches: labels agree with lesions.csv, pixels with the TIFF.
  const auto& p = o["patches"];
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["count"], 40);
  EXPECT_EQ(p["size"], 64);
  EXPECT_TRUE(p["size_ok"].get<bool>());
  EXPECT_EQ(p["label_agree"], 40);  // "lesion" <=> centre inside a disc of lesions.csv
  EXPECT_EQ(p["lesion_labels"].get<int>(), result_->lesion_patches);
  EXPECT_EQ(p["lesion_labels"], 20);  // half
  EXPECT_EQ(p["tissue_labels"], 20);
  EXPECT_GE(p["regions"].value("glass", 0), 1);  // a few from the glass
  EXPECT_EQ(p["regions"].value("glass", 0), result_->glass_patches);
  // The patches are the slide's pixels (up to the TIFF's JPEG loss).
  EXPECT_LT(p["mean_abs_diff"].get<double>(), 4.0);
  EXPECT_LT(p["max_mean_abs_diff"].get<double>(), 8.0);
}

TEST_F(PhantomSlideTest, PatchManifestIsAClassificationDataset) {
  CsvDataset ds(result_->patch_manifest);
  ASSERT_EQ(ds.size(), 40u);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"lesion", "tissue"}));
  const auto labels = ds.labels();
  EXPECT_EQ(std::count(labels.begin(), labels.end(), 0), 20);  // lesion
  Sample s = ds.get(0);
  EXPECT_EQ(s.image.data.sizes(), (std::vector<int64_t>{3, 64, 64}));
}

TEST_F(PhantomSlideTest, RegionsRenderTheSlidesPixels) {
  PhantomSlide gen(small_options(), kSeed);
  const Box& b = result_->lesions[0];
  const int64_t x = static_cast<int64_t>(b.lo[0]) - 20, y = static_cast<int64_t>(b.lo[1]) - 20;
  const int64_t w = 150, h = 130;
  at::Tensor whole = gen.render(x, y, w, h);
  // Any sub-region, wherever it starts, gives exactly the same pixels.
  at::Tensor part = gen.render(x + 37, y + 11, 61, 45);
  EXPECT_TRUE(torch::equal(part, whole.slice(1, 11, 56).slice(2, 37, 98)));
  // And OpenSlide reads them back up to the JPEG loss.
  Slide s(result_->slide);
  Image read = s.read_region(x, y, 0, w, h);
  const double mad =
      (read.data.to(torch::kDouble) - whole.to(torch::kDouble)).abs().mean().item<double>();
  EXPECT_LT(mad, 4.0);
}

TEST(PhantomSlide, SameSeedSameSlideOtherSeedOtherLesions) {
  PhantomSlideOptions o = small_options();
  PhantomSlide a(o, 3), b(o, 3), c(o, 4);
  ASSERT_EQ(a.lesions().size(), 5u);
  bool same = true, differ = false;
  for (size_t i = 0; i < 5; ++i) {
    same &= a.lesions()[i].cx == b.lesions()[i].cx && a.lesions()[i].cy == b.lesions()[i].cy &&
            a.lesions()[i].radius == b.lesions()[i].radius;
    differ |= a.lesions()[i].cx != c.lesions()[i].cx || a.lesions()[i].cy != c.lesions()[i].cy;
    const double r = a.lesions()[i].radius;
    EXPECT_GE(r, 50);
    EXPECT_LE(r, 110);
    // Each lesion lies in tissue: its centre and four points on its rim.
    const double cx = a.lesions()[i].cx, cy = a.lesions()[i].cy;
    EXPECT_TRUE(a.tissue_at(cx, cy));
    EXPECT_TRUE(a.tissue_at(cx + r, cy) && a.tissue_at(cx - r, cy) && a.tissue_at(cx, cy + r) &&
                a.tissue_at(cx, cy - r));
    EXPECT_EQ(a.lesion_at(cx, cy), static_cast<int>(i));
    EXPECT_EQ(a.lesion_at(cx + r + 1, cy), -1);
  }
  EXPECT_TRUE(same);
  EXPECT_TRUE(differ);
  EXPECT_TRUE(torch::equal(a.render(100, 200, 64, 64), b.render(100, 200, 64, 64)));
  EXPECT_FALSE(torch::equal(a.render(100, 200, 64, 64), c.render(100, 200, 64, 64)));
}

TEST(PhantomSlide, BadOptionsAreConfigErrorsNamingTheOption) {
  PhantomSlideOptions o = small_options();
  o.width = o.height = 512;
  o.patch_size = 600;
  EXPECT_TRUE(test::has(test::expect_error<ConfigError>([&] { validate(o); }), "--patch-size"));
  o = small_options();
  o.max_radius = 2000;
  EXPECT_TRUE(test::has(test::expect_error<ConfigError>([&] { PhantomSlide s(o, 1); }),
                        "--max-radius"));
  o = small_options();
  o.min_radius = 120;
  EXPECT_TRUE(test::has(test::expect_error<ConfigError>([&] { validate(o); }), "--max-radius"));
  o = small_options();
  o.tissue_fraction = 0;
  EXPECT_TRUE(test::has(test::expect_error<ConfigError>([&] { validate(o); }),
                        "--tissue-fraction"));
  o = small_options();
  o.lesions = 400;  // cannot fit
  EXPECT_TRUE(test::has(test::expect_error<ConfigError>([&] { PhantomSlide s(o, 1); }),
                        "--lesions"));
  // Errors come before anything is written.
  test::TempDir tmp;
  o = small_options();
  o.patch_size = 4000;
  test::expect_error<ConfigError>([&] { write_phantom_slide(tmp.file("out"), o, 1); });
  EXPECT_FALSE(fs::exists(tmp.file("out")));
}

TEST(PhantomSlide, UnwritableOutputFolderIsAnIoErrorNamingIt) {
  test::TempDir tmp;
  test::write_text(tmp.file("file.txt"), "a file, not a folder");
  const std::string out = tmp.file("file.txt") + "/slide";
  const std::string msg =
      test::expect_error<IoError>([&] { write_phantom_slide(out, small_options(), 1); });
  EXPECT_TRUE(test::has(msg, out)) << msg;
}

TEST(PhantomSlide, CommandLineWritesASlide) {
  if (!have_vips()) GTEST_SKIP() << "vips not installed (libvips-tools): no pyramidal TIFF";
  if (test::run_medcnn({"--version"}).exit_code != 0) GTEST_SKIP() << "medcnn program not built";
  test::TempDir tmp;
  auto r = test::run_medcnn({"phantom-slide", tmp.file("out"), "--size", "1024", "--lesions", "2",
                             "--min-radius", "40", "--max-radius", "60", "--patches", "6",
                             "--seed", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Slide s(tmp.file("out/slide.tif"));
  EXPECT_EQ(s.level_size(0), (std::array<int64_t, 2>{1024, 1024}));
  EXPECT_EQ(read_box_csv(tmp.file("out/lesions.csv")).boxes[0].size(), 2u);
  auto bad = test::run_medcnn({"phantom-slide", tmp.file("bad"), "--size", "300", "--min-radius",
                               "20", "--max-radius", "40", "--patch-size", "400"});
  EXPECT_EQ(bad.exit_code, 5);
  EXPECT_TRUE(test::has(bad.err, "--patch-size")) << bad.err;
}

TEST(PhantomSlide, FailingVipsIsAnIoErrorAndLeavesNoSlide) {
  // A stand-in `vips` that exits at once with a message: the writer gets a
  // broken pipe (which must not kill the program) and reports vips' message.
  test::TempDir tmp;
  test::write_text(tmp.file("bin/vips"), "#!/bin/sh\necho 'vips: boom, disk full' >&2\nexit 1\n");
  fs::permissions(tmp.file("bin/vips"), fs::perms::owner_all);
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  setenv("PATH", (tmp.file("bin") + ":" + saved).c_str(), 1);
  PhantomSlideOptions o = small_options();
  o.patches = 0;
  const std::string msg =
      test::expect_error<IoError>([&] { write_phantom_slide(tmp.file("out"), o, 1); });
  setenv("PATH", saved.c_str(), 1);
  EXPECT_TRUE(test::has(msg, "vips copy stdin")) << msg;
  EXPECT_TRUE(test::has(msg, "boom, disk full")) << msg;
  EXPECT_FALSE(fs::exists(tmp.file("out/slide.tif")));
  size_t left = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.file("out"))) ++left;
  EXPECT_EQ(left, 0u) << "temporaries left behind";
}
