// Phantoms: deterministic from a seed, and their ground truth checked by an
// independent Python oracle (scipy.ndimage components, scikit-image shape).
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/data/phantom.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;

TEST(Phantom, SameSeedSameImageOtherSeedOtherImage) {
  PhantomOptions o;
  Sample a = generate_phantom(o, 5), b = generate_phantom(o, 5), c = generate_phantom(o, 6);
  EXPECT_TRUE(torch::equal(a.image.data, b.image.data));
  EXPECT_TRUE(torch::equal(a.mask->data, b.mask->data));
  EXPECT_FALSE(torch::equal(a.image.data, c.image.data));
}

TEST(Phantom, BadOptionsNameTheOption) {
  PhantomOptions o;
  o.dims = 4;
  try {
    generate_phantom(o, 0);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("phantom.dims"), std::string::npos);
  }
  o = PhantomOptions{};
  o.max_radius = 40;
  EXPECT_THROW(generate_phantom(o, 0), ConfigError);
}

// Checks one written data set against the oracle's reading of the files.
static void check_truth(const std::string& dir, int dims, int n, double contrast) {
  auto j = run_oracle("phantom_truth.py", {dir});
  ASSERT_FALSE(j.is_null());
  ASSERT_EQ(j["cases"].size(), static_cast<size_t>(n));
  double sol_benign = 0, sol_malig = 0;
  int nb = 0, nm = 0;
  for (const auto& c : j["cases"]) {
    const auto& lesions = c["lesions"];
    const auto& boxes = c["manifest_boxes"];
    // Every lesion is one component, and its box is exactly the manifest's.
    ASSERT_EQ(lesions.size(), boxes.size()) << c["id"];
    bool any_malignant = false;
    for (const auto& les : lesions) {
      bool found = false;
      for (const auto& b : boxes) {
        std::vector<double> coords = b["coords"];
        bool same = true;
        for (int k = 0; k < dims; ++k) {
          same &= coords[k] == les["lo"][k].get<double>();
          same &= coords[dims + k] == les["hi"][k].get<double>();
        }
        std::string cls = b["class"];
        if (same) {
          found = true;
          EXPECT_EQ(cls, les["class"].get<int>() == 2 ? "malignant" : "benign");
        }
      }
      EXPECT_TRUE(found) << "no manifest box for a lesion of case " << c["id"];
      int cls = les["class"];
      any_malignant |= cls == 2;
      // Brighter than the tissue around it by about the contrast.
      if (!les["mean_ring"].is_null())
        EXPECT_GT(les["mean_inside"].get<double>() - les["mean_ring"].get<double>(), contrast * 0.5);
      if (les.contains("solidity")) {
        if (cls == 2) { sol_malig += les["solidity"].get<double>(); ++nm; }
        else { sol_benign += les["solidity"].get<double>(); ++nb; }
      }
    }
    EXPECT_EQ(c["label"].get<int>(), any_malignant ? 1 : 0);
  }
  if (dims == 2) {
    ASSERT_GT(nb, 0);
    ASSERT_GT(nm, 0);
    // Spiculated lesions are far less convex than round ones.
    EXPECT_GT(sol_benign / nb, 0.93);
    EXPECT_LT(sol_malig / nm, 0.85);
  }
}

TEST(Phantom, TwoDimensionalGroundTruthMatchesOracle) {
  TempDir tmp;
  PhantomOptions o;
  o.min_lesions = 1;
  o.max_lesions = 3;
  o.size = 96;
  write_phantom_dataset(tmp.path(), 12, o, 100);
  check_truth(tmp.path(), 2, 12, o.contrast);
}

TEST(Phantom, ThreeDimensionalGroundTruthMatchesOracle) {
  TempDir tmp;
  PhantomOptions o;
  o.dims = 3;
  o.size = 32;
  o.min_radius = 3;
  o.max_radius = 5;
  o.spacing = 1.5;
  write_phantom_dataset(tmp.path(), 3, o, 7);
  check_truth(tmp.path(), 3, 3, o.contrast);
}
