// Segmentation metrics (segmentation_overlap.h, surface_distance.h,
// segmentation_evaluation.h): a 7x7 case worked by hand with spacing
// (0.5, 2.0); seeded random blob masks in 1-D, 2-D and 3-D with anisotropic
// spacing, ignore regions and a region of interest checked against
// tests/oracles/segmentation_scipy.py (scipy.ndimage erosion and exact EDT,
// numpy.percentile, sklearn roc_auc_score) to 1e-9 relative; the empty-mask
// conventions; the errors; a DRIVE-sized (584 x 565) case with AUC.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "medcnn/core/error.h"
#include "medcnn/metrics/segmentation_evaluation.h"
#include "medcnn/metrics/segmentation_overlap.h"
#include "medcnn/metrics/surface_distance.h"
#include "test_support.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

namespace {

constexpr double kRel = 1e-9;

double num_or_nan(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

// a == b to kRel relative (absolute below 1); NaN / null must match NaN / null.
void expect_close(double a, double b, const std::string& what) {
  if (std::isnan(b)) {
    EXPECT_TRUE(std::isnan(a)) << what << ": expected undefined, got " << a;
    return;
  }
  EXPECT_NEAR(a, b, kRel * std::max(1.0, std::fabs(b))) << what;
}

// ---- seeded test data ---------------------------------------------------

// Uniform noise in [0, 1) smoothed by `passes` box filters of half-width r
// along every axis (edges clamped): blobs after thresholding.
std::vector<double> smooth_noise(const Grid& g, uint64_t seed, int r, int passes) {
  std::mt19937_64 gen(seed);
  const size_t n = g.voxels();
  std::vector<double> f(n);
  for (double& v : f) v = static_cast<double>(gen() >> 11) * 0x1.0p-53;
  const size_t d = g.shape.size();
  std::vector<double> line, out;
  for (int pass = 0; pass < passes; ++pass)
    for (size_t a = 0; a < d; ++a) {
      const int64_t len = g.shape[a];
      size_t inner = 1;
      for (size_t b = a + 1; b < d; ++b) inner *= static_cast<size_t>(g.shape[b]);
      const size_t outer = n / (inner * static_cast<size_t>(len));
      line.resize(static_cast<size_t>(len));
      out.resize(static_cast<size_t>(len));
      for (size_t o = 0; o < outer; ++o)
        for (size_t in = 0; in < inner; ++in) {
          const size_t base = o * inner * static_cast<size_t>(len) + in;
          for (int64_t q = 0; q < len; ++q) line[static_cast<size_t>(q)] = f[base + q * inner];
          for (int64_t q = 0; q < len; ++q) {
            double s = 0;
            for (int64_t k = q - r; k <= q + r; ++k)
              s += line[static_cast<size_t>(std::clamp<int64_t>(k, 0, len - 1))];
            out[static_cast<size_t>(q)] = s / (2 * r + 1);
          }
          for (int64_t q = 0; q < len; ++q) f[base + q * inner] = out[static_cast<size_t>(q)];
        }
    }
  return f;
}

// The value above which `fraction` of the field lies.
double threshold_for(const std::vector<double>& field, double fraction) {
  std::vector<double> s = field;
  std::sort(s.begin(), s.end());
  const size_t i = static_cast<size_t>((1 - fraction) * static_cast<double>(s.size() - 1));
  return s[i];
}

std::vector<uint8_t> blob_mask(const Grid& g, uint64_t seed, int r, double fraction) {
  const std::vector<double> f = smooth_noise(g, seed, r, 2);
  const double t = threshold_for(f, fraction);
  std::vector<uint8_t> m(f.size());
  for (size_t i = 0; i < f.size(); ++i) m[i] = f[i] > t;
  return m;
}

// Voxel i of a 2-D grid lies outside the ellipse inscribed in it.
bool outside_ellipse(const Grid& g, size_t i) {
  const double rows = static_cast<double>(g.shape[0]), cols = static_cast<double>(g.shape[1]);
  const double y = static_cast<double>(i / static_cast<size_t>(g.shape[1])) - (rows - 1) / 2;
  const double x = static_cast<double>(i % static_cast<size_t>(g.shape[1])) - (cols - 1) / 2;
  return (y * y) / (rows * rows / 4) + (x * x) / (cols * cols / 4) > 0.85;
}

struct LabelCase {
  std::string name;
  Grid grid;
  SegmentationMetricOptions opt;
  std::vector<int64_t> pred, ref;
  std::vector<float> prob;  // empty: none
};

struct MaskCase {
  std::string name;
  Grid grid;
  std::vector<uint8_t> pred, ref, roi;  // roi empty: none
};

// Reference labels from one field; prediction from the field mixed with other
// noise (so they overlap imperfectly); labels c where the field passes the
// c-th threshold; the foreground probability is the prediction field mapped
// to [0, 1] and rounded to 0.02 (ties).
LabelCase random_labels(const std::string& name, const Grid& g, int64_t k, uint64_t seed, int r,
                        bool with_prob) {
  LabelCase c{name, g, {}, {}, {}, {}};
  c.opt.num_classes = k;
  c.opt.metrics = segmentation_metric_names();
  const std::vector<double> fr = smooth_noise(g, seed, r, 2);
  const std::vector<double> fo = smooth_noise(g, seed + 1000, r, 2);
  std::vector<double> fp(fr.size());
  for (size_t i = 0; i < fr.size(); ++i) fp[i] = 0.75 * fr[i] + 0.25 * fo[i];
  std::vector<double> tr, tp;  // thresholds: class c above the c-th
  for (int64_t cls = 1; cls < k; ++cls) {
    const double frac = 0.4 / static_cast<double>(cls);
    tr.push_back(threshold_for(fr, frac));
    tp.push_back(threshold_for(fp, frac));
  }
  c.pred.resize(fr.size());
  c.ref.resize(fr.size());
  for (size_t i = 0; i < fr.size(); ++i) {
    int64_t lr = 0, lp = 0;
    for (size_t j = 0; j < tr.size(); ++j) {
      if (fr[i] > tr[j]) lr = static_cast<int64_t>(j) + 1;
      if (fp[i] > tp[j]) lp = static_cast<int64_t>(j) + 1;
    }
    c.ref[i] = lr;
    c.pred[i] = lp;
  }
  if (with_prob) {
    const double lo = *std::min_element(fp.begin(), fp.end());
    const double hi = *std::max_element(fp.begin(), fp.end());
    for (double v : fp)
      c.prob.push_back(static_cast<float>(std::round((v - lo) / (hi - lo) * 50) / 50));
  }
  return c;
}

std::vector<LabelCase> label_cases() {
  std::vector<LabelCase> cases;
  {  // DRIVE-like: field of view = ellipse, the rest ignored (255)
    LabelCase c = random_labels("fov_2d", Grid{{48, 40}, {0.7, 1.3}}, 2, 11, 3, true);
    for (size_t i = 0; i < c.ref.size(); ++i)
      if (outside_ellipse(c.grid, i)) c.ref[i] = 255;
    cases.push_back(c);
  }
  cases.push_back(random_labels("volume_3d", Grid{{18, 22, 14}, {2.5, 0.8, 1.1}}, 2, 12, 2, true));
  {  // three classes with background, a slab ignored, a few pred voxels = ignore_label
    LabelCase c = random_labels("three_class_3d", Grid{{16, 20, 12}, {1.0, 0.6, 3.0}}, 3, 13, 2,
                                false);
    c.opt.include_background = true;
    c.opt.ignore_label = -1;
    for (size_t i = 0; i < 3 * 20 * 12; ++i) c.ref[i] = -1;
    for (size_t i = 5; i < c.pred.size(); i += 97) c.pred[i] = -1;
    cases.push_back(c);
  }
  {  // nothing predicted
    LabelCase c = random_labels("pred_empty_2d", Grid{{20, 24}, {1.5, 0.5}}, 2, 14, 2, true);
    std::fill(c.pred.begin(), c.pred.end(), 0);
    cases.push_back(c);
  }
  {  // no foreground in the reference: AUC undefined
    LabelCase c = random_labels("ref_empty_2d", Grid{{20, 24}, {}}, 2, 15, 2, true);
    std::fill(c.ref.begin(), c.ref.end(), 0);
    cases.push_back(c);
  }
  cases.push_back(random_labels("line_1d", Grid{{90}, {0.3}}, 2, 16, 2, true));
  return cases;
}

std::vector<MaskCase> mask_cases() {
  std::vector<MaskCase> cases;
  {
    Grid g{{37, 29}, {1.7, 0.45}};
    cases.push_back({"roi_2d", g, blob_mask(g, 21, 2, 0.35), blob_mask(g, 22, 2, 0.3),
                     blob_mask(g, 23, 5, 0.7)});
  }
  {
    Grid g{{15, 17, 13}, {0.9, 2.2, 1.4}};
    cases.push_back({"plain_3d", g, blob_mask(g, 24, 2, 0.3), blob_mask(g, 25, 2, 0.25), {}});
  }
  {  // thin, vessel-like pieces
    Grid g{{40, 44}, {}};  // spacing 1
    cases.push_back({"thin_2d", g, blob_mask(g, 26, 1, 0.15), blob_mask(g, 27, 1, 0.12), {}});
  }
  return cases;
}

json flat(const std::vector<uint8_t>& v) {
  json a = json::array();
  for (uint8_t x : v) a.push_back(static_cast<int>(x));
  return a;
}

// All random cases, with the oracle's answers (one Python run for the file).
struct OracleRun {
  std::vector<LabelCase> labels = label_cases();
  std::vector<MaskCase> masks = mask_cases();
  json out;
  OracleRun() {
    json spec{{"labels", json::array()}, {"masks", json::array()}};
    for (const LabelCase& c : labels) {
      std::vector<double> spacing;
      for (size_t a = 0; a < c.grid.shape.size(); ++a) spacing.push_back(c.grid.spacing_of(a));
      json e{{"shape", c.grid.shape},         {"spacing", spacing},
             {"num_classes", c.opt.num_classes}, {"ignore_label", c.opt.ignore_label},
             {"include_background", c.opt.include_background},
             {"pred", c.pred},                {"ref", c.ref}};
      if (!c.prob.empty()) {
        std::vector<double> p(c.prob.begin(), c.prob.end());  // exact float values
        e["prob"] = p;
      }
      spec["labels"].push_back(e);
    }
    for (const MaskCase& c : masks) {
      json e{{"shape", c.grid.shape}, {"spacing", c.grid.spacing}, {"pred", flat(c.pred)},
             {"ref", flat(c.ref)}};
      if (!c.roi.empty()) e["roi"] = flat(c.roi);
      spec["masks"].push_back(e);
    }
    TempDir dir;
    write_text(dir.file("segmentation.json"), spec.dump());
    out = run_oracle("segmentation_scipy.py", {dir.file("segmentation.json")});
  }
};

const OracleRun& oracle() {
  static const OracleRun run;
  return run;
}

json evaluate(const LabelCase& c) {
  return evaluate_segmentation_case(c.pred.data(), c.ref.data(), c.grid, c.opt,
                                    c.prob.empty() ? nullptr : c.prob.data());
}

}  // namespace

// ---- worked by hand -----------------------------------------------------

// 7 x 7 grid, spacing 0.5 (rows) x 2.0 (columns). pred = the 5x5 square rows
// 1..5, cols 1..5 (25 voxels); ref = the 3x3 square rows 2..4, cols 2..4 (9).
// Overlap: TP 9, FP 16, FN 0, TN 49 - 25 = 24. Dice 18/34 = 9/17, IoU 9/25,
// sensitivity 1, specificity 24/40, precision 9/25, accuracy 33/49.
// Surfaces: pred = its 16-voxel ring, ref = its 8-voxel ring (centre (3,3) is
// interior). d(ref -> pred): (2,2..4) and (4,2..4) reach rows 1 / 5 at 0.5;
// (3,2) and (3,4) reach (1,c) or (5,c) at 2 rows = 1.0 (a column step costs
// 2.0) -> six 0.5, two 1.0; mean 5/8. d(pred -> ref): (1,2..4), (5,2..4) at
// 0.5; the side voxels (2..4,1) and (2..4,5) at one column = 2.0; the four
// corners at sqrt(0.5^2 + 2^2) = sqrt(4.25) -> six 0.5, six 2.0, four
// sqrt(4.25); mean (15 + 4 sqrt(4.25)) / 16.
// Hausdorff = sqrt(4.25). HD95: pred->ref sorted, index 0.95 * 15 = 14.25
// lies between two sqrt(4.25); ref->pred index 6.65 between two 1.0 ->
// sqrt(4.25). ASSD = (20 + 4 sqrt(4.25)) / 24. MASD = ((15 + 4 sqrt(4.25)) / 16
// + 5/8) / 2.
TEST(SegmentationMetricsHand, SquaresWithAnisotropicSpacing) {
  const Grid g{{7, 7}, {0.5, 2.0}};
  std::vector<int64_t> pred(49, 0), ref(49, 0);
  std::vector<uint8_t> pm(49, 0), rm(49, 0);
  for (int r = 0; r < 7; ++r)
    for (int c = 0; c < 7; ++c) {
      const size_t i = static_cast<size_t>(r * 7 + c);
      if (r >= 1 && r <= 5 && c >= 1 && c <= 5) pred[i] = pm[i] = 1;
      if (r >= 2 && r <= 4 && c >= 2 && c <= 4) ref[i] = rm[i] = 1;
    }
  const double s = std::sqrt(4.25);
  const OverlapCounts oc = overlap_counts(pred.data(), ref.data(), 49, 1, 255);
  EXPECT_EQ(oc.tp, 9);
  EXPECT_EQ(oc.fp, 16);
  EXPECT_EQ(oc.fn, 0);
  EXPECT_EQ(oc.tn, 24);
  EXPECT_DOUBLE_EQ(dice(oc), 9.0 / 17);
  EXPECT_DOUBLE_EQ(iou(oc), 9.0 / 25);
  EXPECT_DOUBLE_EQ(sensitivity(oc), 1.0);
  EXPECT_DOUBLE_EQ(specificity(oc), 0.6);
  EXPECT_DOUBLE_EQ(precision(oc), 9.0 / 25);
  EXPECT_DOUBLE_EQ(accuracy(oc), 33.0 / 49);

  const std::vector<uint8_t> surf = surface_mask(rm.data(), g);
  EXPECT_EQ(std::count(surf.begin(), surf.end(), 1), 8);
  EXPECT_EQ(surf[3 * 7 + 3], 0) << "the centre of the 3x3 square is interior";

  const SurfaceDistances d = surface_distances(pm.data(), rm.data(), g);
  EXPECT_FALSE(d.pred_empty);
  EXPECT_FALSE(d.ref_empty);
  EXPECT_NEAR(d.hausdorff, s, 1e-12);
  EXPECT_NEAR(d.hausdorff95, s, 1e-12);
  EXPECT_NEAR(d.assd, (20 + 4 * s) / 24, 1e-12);
  EXPECT_NEAR(d.masd, ((15 + 4 * s) / 16 + 5.0 / 8) / 2, 1e-12);

  const json e = evaluate_segmentation_case(pred.data(), ref.data(), g, {});
  ASSERT_EQ(e["per_class"].size(), 1u);
  const json& c1 = e["per_class"][0];
  EXPECT_EQ(c1["class"], 1);
  EXPECT_DOUBLE_EQ(c1["dice"].get<double>(), 9.0 / 17);
  EXPECT_DOUBLE_EQ(c1["iou"].get<double>(), 9.0 / 25);
  EXPECT_NEAR(c1["hausdorff"].get<double>(), s, 1e-12);
  EXPECT_NEAR(c1["masd"].get<double>(), ((15 + 4 * s) / 16 + 5.0 / 8) / 2, 1e-12);
  EXPECT_EQ(c1["counts"], (json{{"tp", 9}, {"fp", 16}, {"fn", 0}, {"tn", 24}}));
  EXPECT_FALSE(c1.contains("precision")) << "precision is not among the default metrics";
  EXPECT_FALSE(e.contains("auc")) << "no probability given";
}

// numpy.percentile([1, 2, 3, 4, 10], 95): index 4 * 0.95 = 3.8 -> 4 + 0.8 * 6
// = 8.8; 50 -> 3; 0 -> 1; 100 -> 10; one value -> that value.
TEST(SegmentationMetricsHand, PercentileLinear) {
  std::vector<double> v{10, 3, 1, 4, 2};
  EXPECT_NEAR(percentile_linear(v, 95), 8.8, 1e-12);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 50), 3.0);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 0), 1.0);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 100), 10.0);
  std::vector<double> one{2.5};
  EXPECT_DOUBLE_EQ(percentile_linear(one, 95), 2.5);
  std::vector<double> none;
  EXPECT_TRUE(std::isnan(percentile_linear(none, 95)));
}

// One feature at (0, 0) of a 3 x 4 grid with spacing (2, 3): the distance of
// (r, c) is sqrt((2r)^2 + (3c)^2); e.g. (2, 3) -> sqrt(16 + 81) = sqrt(97).
// Without features every distance is +inf.
TEST(SegmentationMetricsHand, DistanceTransformSingleFeature) {
  const Grid g{{3, 4}, {2.0, 3.0}};
  std::vector<uint8_t> f(12, 0);
  f[0] = 1;
  const std::vector<double> d = distance_to_features(f.data(), g);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c)
      EXPECT_NEAR(d[static_cast<size_t>(r * 4 + c)], std::hypot(2.0 * r, 3.0 * c), 1e-12);
  EXPECT_NEAR(d[11], std::sqrt(97.0), 1e-12);
  const std::vector<double> none = distance_to_features(std::vector<uint8_t>(12, 0).data(), g);
  for (double x : none) EXPECT_TRUE(std::isinf(x));
}

// ---- against scipy / numpy / sklearn -------------------------------------

TEST(SegmentationMetricsOracle, LabelMapsMatchScipy) {
  const OracleRun& run = oracle();
  ASSERT_FALSE(run.out.is_null()) << "the oracle failed";
  ASSERT_EQ(run.out["labels"].size(), run.labels.size());
  for (size_t i = 0; i < run.labels.size(); ++i) {
    const LabelCase& c = run.labels[i];
    const json got = evaluate(c);
    const json& want = run.out["labels"][i];
    ASSERT_EQ(got["per_class"].size(), want["per_class"].size()) << c.name;
    for (size_t j = 0; j < want["per_class"].size(); ++j) {
      const json& g = got["per_class"][j];
      const json& w = want["per_class"][j];
      const std::string what = c.name + " class " + w["class"].dump() + " ";
      EXPECT_EQ(g["class"], w["class"]) << what;
      EXPECT_EQ(g["counts"], w["counts"]) << what;
      for (const std::string& m : segmentation_metric_names())
        expect_close(num_or_nan(g[m]), num_or_nan(w[m]), what + m);
    }
    EXPECT_EQ(got.contains("auc"), want.contains("auc")) << c.name;
    if (want.contains("auc")) expect_close(num_or_nan(got["auc"]), num_or_nan(want["auc"]),
                                           c.name + " auc");
  }
}

TEST(SegmentationMetricsOracle, SummaryMatchesNumpy) {
  const OracleRun& run = oracle();
  ASSERT_FALSE(run.out.is_null()) << "the oracle failed";
  std::vector<json> cases;
  for (const LabelCase& c : run.labels) cases.push_back(evaluate(c));
  const json got = summarize_segmentation(cases);
  const json& want = run.out["summary"];
  EXPECT_EQ(got["cases"], run.labels.size());
  ASSERT_EQ(got["per_class"].size(), want["per_class"].size());
  for (size_t j = 0; j < want["per_class"].size(); ++j) {
    const json& g = got["per_class"][j];
    const json& w = want["per_class"][j];
    const std::string what = "class " + w["class"].dump() + " ";
    EXPECT_EQ(g["class"], w["class"]);
    EXPECT_EQ(g["counts"], w["counts"]) << what;
    for (const std::string& m : segmentation_metric_names()) {
      EXPECT_EQ(g[m]["n"], w[m]["n"]) << what + m;
      EXPECT_EQ(g[m]["n_undefined"], w[m]["n_undefined"]) << what + m;
      expect_close(num_or_nan(g[m]["mean"]), num_or_nan(w[m]["mean"]), what + m + " mean");
      expect_close(num_or_nan(g[m]["sd"]), num_or_nan(w[m]["sd"]), what + m + " sd");
    }
    for (const char* m : {"dice", "iou", "sensitivity", "specificity", "precision", "accuracy"})
      expect_close(num_or_nan(g["global"][m]), num_or_nan(w["global"][m]),
                   what + "global " + m);
  }
  EXPECT_EQ(got["auc"]["n"], want["auc"]["n"]);
  EXPECT_EQ(got["auc"]["n_undefined"], want["auc"]["n_undefined"]);
  EXPECT_EQ(want["auc"]["n_undefined"], 1) << "the case without reference foreground";
  expect_close(num_or_nan(got["auc"]["mean"]), num_or_nan(want["auc"]["mean"]), "auc mean");
  expect_close(num_or_nan(got["auc"]["sd"]), num_or_nan(want["auc"]["sd"]), "auc sd");
}

TEST(SegmentationMetricsOracle, MasksWithRoiMatchScipy) {
  const OracleRun& run = oracle();
  ASSERT_FALSE(run.out.is_null()) << "the oracle failed";
  ASSERT_EQ(run.out["masks"].size(), run.masks.size());
  for (size_t i = 0; i < run.masks.size(); ++i) {
    const MaskCase& c = run.masks[i];
    const json& w = run.out["masks"][i];
    const uint8_t* roi = c.roi.empty() ? nullptr : c.roi.data();
    const SurfaceDistances d = surface_distances(c.pred.data(), c.ref.data(), c.grid, roi);
    expect_close(d.hausdorff, num_or_nan(w["hausdorff"]), c.name + " hausdorff");
    expect_close(d.hausdorff95, num_or_nan(w["hausdorff95"]), c.name + " hausdorff95");
    expect_close(d.assd, num_or_nan(w["assd"]), c.name + " assd");
    expect_close(d.masd, num_or_nan(w["masd"]), c.name + " masd");
    // The transform itself, at every voxel: distance to the (roi-cut) ref surface.
    std::vector<uint8_t> ref = c.ref;
    for (size_t k = 0; k < ref.size(); ++k) ref[k] = ref[k] && (roi == nullptr || roi[k]);
    const std::vector<double> edt = distance_to_features(surface_mask(ref.data(), c.grid).data(),
                                                         c.grid);
    ASSERT_EQ(w["edt_ref_surface"].size(), edt.size()) << c.name;
    int bad = 0;
    for (size_t k = 0; k < edt.size(); ++k) {
      const double want = w["edt_ref_surface"][k].get<double>();
      if (std::fabs(edt[k] - want) > kRel * std::max(1.0, want) && ++bad <= 5)
        ADD_FAILURE() << c.name << " edt at voxel " << k << ": " << edt[k] << " vs " << want;
    }
    EXPECT_EQ(bad, 0) << c.name;
  }
}

// ---- empty masks ----------------------------------------------------------

TEST(SegmentationMetricsEmpty, BothEmpty) {
  const Grid g{{6, 5}, {0.5, 2.0}};
  const std::vector<int64_t> zeros(30, 0);
  const std::vector<uint8_t> none(30, 0);
  const SurfaceDistances d = surface_distances(none.data(), none.data(), g);
  EXPECT_TRUE(d.pred_empty && d.ref_empty);
  EXPECT_EQ(d.hausdorff, 0.0);
  EXPECT_EQ(d.hausdorff95, 0.0);
  EXPECT_EQ(d.assd, 0.0);
  EXPECT_EQ(d.masd, 0.0);
  SegmentationMetricOptions opt;
  opt.metrics = segmentation_metric_names();
  const json e = evaluate_segmentation_case(zeros.data(), zeros.data(), g, opt);
  const json& c1 = e["per_class"][0];
  EXPECT_EQ(c1["dice"], 1.0);
  EXPECT_EQ(c1["iou"], 1.0);
  EXPECT_TRUE(c1["sensitivity"].is_null());
  EXPECT_TRUE(c1["precision"].is_null());
  EXPECT_EQ(c1["specificity"], 1.0);
  EXPECT_EQ(c1["accuracy"], 1.0);
  EXPECT_EQ(c1["hausdorff"], 0.0);
  EXPECT_EQ(c1["assd"], 0.0);
  EXPECT_TRUE(c1["pred_empty"].get<bool>() && c1["ref_empty"].get<bool>());
}

TEST(SegmentationMetricsEmpty, ExactlyOneEmpty) {
  const Grid g{{6, 5}, {}};
  std::vector<int64_t> zeros(30, 0), square(30, 0);
  std::vector<uint8_t> none(30, 0), sq(30, 0);
  for (size_t i : {7u, 8u, 12u, 13u}) square[i] = sq[i] = 1;  // 2x2 square
  SegmentationMetricOptions opt;
  opt.metrics = segmentation_metric_names();
  for (bool pred_is_empty : {true, false}) {
    const std::string what = pred_is_empty ? "pred empty: " : "ref empty: ";
    const SurfaceDistances d = pred_is_empty ? surface_distances(none.data(), sq.data(), g)
                                             : surface_distances(sq.data(), none.data(), g);
    EXPECT_EQ(d.pred_empty, pred_is_empty) << what;
    EXPECT_EQ(d.ref_empty, !pred_is_empty) << what;
    EXPECT_TRUE(std::isnan(d.hausdorff) && std::isnan(d.hausdorff95) && std::isnan(d.assd) &&
                std::isnan(d.masd))
        << what;
    const json e = pred_is_empty
                       ? evaluate_segmentation_case(zeros.data(), square.data(), g, opt)
                       : evaluate_segmentation_case(square.data(), zeros.data(), g, opt);
    const json& c1 = e["per_class"][0];
    EXPECT_EQ(c1["dice"], 0.0) << what;
    EXPECT_EQ(c1["iou"], 0.0) << what;
    for (const char* m : {"hausdorff", "hausdorff95", "assd", "masd"})
      EXPECT_TRUE(c1[m].is_null()) << what << m;
    // pred empty: sensitivity 0/4 = 0, precision undefined; ref empty: the reverse.
    EXPECT_EQ(c1[pred_is_empty ? "sensitivity" : "precision"], 0.0) << what;
    EXPECT_TRUE(c1[pred_is_empty ? "precision" : "sensitivity"].is_null()) << what;
    EXPECT_EQ(c1["pred_empty"], pred_is_empty) << what;
    EXPECT_EQ(c1["ref_empty"], !pred_is_empty) << what;
  }
}

// A voxel outside the roi (or with ref == ignore_label) is background: a mask
// that lies wholly there counts as empty.
TEST(SegmentationMetricsEmpty, RoiAndIgnoreMakeMasksEmpty) {
  const Grid g{{4, 4}, {}};
  std::vector<uint8_t> pred(16, 0), ref(16, 0), roi(16, 1);
  pred[5] = ref[5] = 1;
  roi[5] = 0;
  const SurfaceDistances d = surface_distances(pred.data(), ref.data(), g, roi.data());
  EXPECT_TRUE(d.pred_empty && d.ref_empty);
  EXPECT_EQ(d.hausdorff, 0.0);
  std::vector<int64_t> p(16, 0), r(16, 0);
  p[5] = 1;
  r[5] = 255;
  const json e = evaluate_segmentation_case(p.data(), r.data(), g, {});
  EXPECT_EQ(e["ignored"], 1);
  EXPECT_EQ(e["per_class"][0]["dice"], 1.0);
  EXPECT_EQ(e["per_class"][0]["counts"], (json{{"tp", 0}, {"fp", 0}, {"fn", 0}, {"tn", 15}}));
}

// ---- errors -----------------------------------------------------------------

TEST(SegmentationMetricsErrors, BadGrid) {
  const std::vector<uint8_t> m(12, 0);
  EXPECT_TRUE(has(expect_error<DataError>(
                      [&] { surface_distances(m.data(), m.data(), Grid{{3, 4}, {1.0, -2.0}}); }),
                  "spacing[1] = -2"));
  EXPECT_TRUE(has(expect_error<DataError>(
                      [&] { surface_distances(m.data(), m.data(), Grid{{3, 4}, {1.0, 0.0}}); }),
                  "spacing"));
  EXPECT_TRUE(has(expect_error<DataError>(
                      [&] { surface_distances(m.data(), m.data(), Grid{{3, 4}, {1.0}}); }),
                  "spacing has 1 values"));
  EXPECT_TRUE(has(expect_error<DataError>(
                      [&] { surface_distances(m.data(), m.data(), Grid{{1, 3, 2, 2}, {}}); }),
                  "1, 2 or 3 axes"));
  const std::vector<int64_t> l(12, 0);
  EXPECT_TRUE(has(expect_error<DataError>([&] {
                    evaluate_segmentation_case(l.data(), l.data(),
                                               Grid{{3, 4}, {std::nan(""), 1.0}}, {});
                  }),
                  "spacing[0]"));
}

TEST(SegmentationMetricsErrors, LabelOutOfRange) {
  const Grid g{{3, 4}, {}};
  std::vector<int64_t> pred(12, 0), ref(12, 0);
  ref[7] = 7;
  const std::string msg = expect_error<DataError>(
      [&] { evaluate_segmentation_case(pred.data(), ref.data(), g, {}); });
  EXPECT_TRUE(has(msg, "ref[7] = 7")) << msg;
  ref[7] = 1;
  pred[2] = -3;
  EXPECT_TRUE(has(expect_error<DataError>(
                      [&] { evaluate_segmentation_case(pred.data(), ref.data(), g, {}); }),
                  "pred[2] = -3"));
  pred[2] = 255;  // the ignore label: predicts no class
  EXPECT_NO_THROW(evaluate_segmentation_case(pred.data(), ref.data(), g, {}));
  std::vector<float> prob(12, 0.5f);
  prob[4] = std::numeric_limits<float>::quiet_NaN();
  pred[2] = 0;
  EXPECT_TRUE(has(expect_error<DataError>([&] {
                    evaluate_segmentation_case(pred.data(), ref.data(), g, {}, prob.data());
                  }),
                  "fg_probability[4] is NaN"));
}

TEST(SegmentationMetricsErrors, BadOptions) {
  const Grid g{{3, 4}, {}};
  const std::vector<int64_t> l(12, 0);
  SegmentationMetricOptions opt;
  opt.metrics = {"dice", "hausdorf"};
  const std::string msg =
      expect_error<ConfigError>([&] { evaluate_segmentation_case(l.data(), l.data(), g, opt); });
  EXPECT_TRUE(has(msg, "'hausdorf'")) << msg;
  EXPECT_TRUE(has(msg, "hausdorff95")) << "lists the allowed names: " << msg;
  opt = {};
  opt.ignore_label = 1;
  EXPECT_TRUE(has(expect_error<ConfigError>(
                      [&] { evaluate_segmentation_case(l.data(), l.data(), g, opt); }),
                  "ignore_label 1"));
  opt = {};
  opt.num_classes = 1;
  EXPECT_TRUE(has(expect_error<ConfigError>(
                      [&] { evaluate_segmentation_case(l.data(), l.data(), g, opt); }),
                  "num_classes"));
  EXPECT_TRUE(has(expect_error<DataError>([] { summarize_segmentation({json{{"dice", 1}}}); }),
                  "case 0"));
}

// ---- size --------------------------------------------------------------

// A DRIVE-sized image (584 rows x 565 columns, 330k pixels) with a field of
// view, all metrics and the pixel AUC: it must complete quickly (no timing
// assertion; the numbers are sane).
TEST(SegmentationMetricsSize, DriveSizedCaseWithAuc) {
  LabelCase c = random_labels("drive", Grid{{584, 565}, {}}, 2, 31, 2, true);
  for (size_t i = 0; i < c.ref.size(); ++i)
    if (outside_ellipse(c.grid, i)) c.ref[i] = 255;
  const json e = evaluate(c);
  const json& c1 = e["per_class"][0];
  EXPECT_GT(e["ignored"].get<int64_t>(), 0);
  EXPECT_GT(c1["dice"].get<double>(), 0.3);
  EXPECT_LT(c1["dice"].get<double>(), 1.0);
  EXPECT_GT(c1["hausdorff"].get<double>(), 0.0);
  EXPECT_LE(c1["hausdorff95"].get<double>(), c1["hausdorff"].get<double>());
  EXPECT_GT(e["auc"].get<double>(), 0.5);
  EXPECT_LE(e["auc"].get<double>(), 1.0);
}
