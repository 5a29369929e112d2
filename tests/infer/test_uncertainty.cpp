// Predictor uncertainty: Monte-Carlo dropout and drop-weights passes, test-
// time flips and ensembles, each checked against the same quantities
// computed here by hand from eager forward passes (entropy and mutual
// information written out from their definitions), and the CSV round trip.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/data/phantom.h"
#include "medcnn/infer/predictions_csv.h"
#include "medcnn/infer/predictor.h"
#include "medcnn/infer/segmenter.h"
#include "phantom_disc.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

class PhantomSet : public Dataset {
 public:
  explicit PhantomSet(int n) {
    for (int i = 0; i < n; ++i) {
      Sample s = mt::float_phantom(32, 2, 4, 50 + i);
      s.id = "case" + std::to_string(i);
      samples_.push_back(s);
    }
  }
  size_t size() const override { return samples_.size(); }
  Sample get(size_t i) const override { return samples_.at(i); }
  std::vector<int64_t> labels() const override {
    std::vector<int64_t> y;
    for (const auto& s : samples_) y.push_back(s.label);
    return y;
  }
  std::string describe() const override { return "phantoms"; }
  at::Tensor batch() const {
    std::vector<at::Tensor> xs;
    for (const auto& s : samples_) xs.push_back(s.image.data);
    return torch::stack(xs);
  }

 private:
  std::vector<Sample> samples_;
};

NetworkPtr small_resnet(double dropout, uint64_t seed) {
  NetworkSpec s;
  s.name = "resnet18";
  s.params = {{"width", 4}, {"stem", "small"}, {"dropout", dropout}};
  torch::manual_seed(seed);
  NetworkPtr n = make_network(s);
  n->eval();
  return n;
}

double entropy_of(const at::Tensor& p) {  // p [K] double
  double h = 0;
  for (int64_t k = 0; k < p.size(0); ++k) {
    const double v = p[k].item<double>();
    if (v > 0) h -= v * std::log(v);
  }
  return h;
}

PredictorOptions quiet() {
  PredictorOptions o;
  o.show_progress = false;
  o.workers = 0;
  o.batch_size = 4;
  return o;
}

TEST(PredictorUncertainty, EnsembleEntropyAndMutualInformationByHand) {
  auto ds = std::make_shared<PhantomSet>(6);
  std::vector<NetworkPtr> nets{small_resnet(0, 1), small_resnet(0, 2)};
  Predictions p = predict_probabilities(nets, Compose({}), ds, quiet());
  at::Tensor x = ds->batch();
  at::Tensor pa, pb;
  {
    torch::NoGradGuard ng;
    pa = torch::softmax(nets[0]->forward(x), 1).to(torch::kDouble);
    pb = torch::softmax(nets[1]->forward(x), 1).to(torch::kDouble);
  }
  ASSERT_EQ(p.uncertainty.at("entropy").size(), 6u);
  for (int64_t i = 0; i < 6; ++i) {
    at::Tensor mean = (pa[i] + pb[i]) / 2;
    EXPECT_NEAR(p.probabilities[i][1], mean[1].item<double>(), 1e-5);
    const double h = entropy_of(mean);
    EXPECT_NEAR(p.uncertainty.at("entropy")[i], h, 1e-5);
    const double mi = h - (entropy_of(pa[i]) + entropy_of(pb[i])) / 2;
    EXPECT_NEAR(p.uncertainty.at("mutual_information")[i], std::max(0.0, mi), 1e-5);
    const double var = ((pa[i] - mean).pow(2) + (pb[i] - mean).pow(2)).mean().item<double>() / 2;
    EXPECT_NEAR(p.uncertainty.at("variance")[i], var, 1e-6);
    // The vote of two members: their common first class, or on a split the lowest.
    const int64_t a = pa[i].argmax().item<int64_t>(), b = pb[i].argmax().item<int64_t>();
    EXPECT_EQ(p.votes.at(i), std::min(a, b));
    EXPECT_DOUBLE_EQ(p.uncertainty.at("vote_disagreement")[i], a == b ? 0.0 : 0.5);
  }
  // One deterministic model: entropy only.
  Predictions single = predict_probabilities({nets[0]}, Compose({}), ds, quiet());
  EXPECT_EQ(single.uncertainty.count("mutual_information"), 0u);
  EXPECT_TRUE(single.votes.empty());
  EXPECT_NEAR(single.uncertainty.at("entropy")[0], entropy_of(pa[0]), 1e-5);
}

TEST(PredictorUncertainty, TestTimeFlipsAverageTheFlippedViews) {
  auto ds = std::make_shared<PhantomSet>(4);
  NetworkPtr net = small_resnet(0, 3);
  PredictorOptions o = quiet();
  o.tta_flips = true;
  Predictions p = predict_probabilities({net}, Compose({}), ds, o);
  at::Tensor x = ds->batch();
  torch::NoGradGuard ng;
  at::Tensor mean = (torch::softmax(net->forward(x), 1) + torch::softmax(net->forward(x.flip({2})), 1) +
                     torch::softmax(net->forward(x.flip({3})), 1)) /
                    3.0;
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_NEAR(p.probabilities[i][0], mean[i][0].item<double>(), 1e-5);
  EXPECT_EQ(p.uncertainty.at("variance").size(), 4u);
  // Only along the axes a recipe flips in training: here the second spatial
  // axis (left-right), so two views.
  o.tta_axes = {1};
  Predictions lr = predict_probabilities({net}, Compose({}), ds, o);
  at::Tensor mean_lr =
      (torch::softmax(net->forward(x), 1) + torch::softmax(net->forward(x.flip({3})), 1)) / 2.0;
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_NEAR(lr.probabilities[i][0], mean_lr[i][0].item<double>(), 1e-5);
  o.tta_axes = {2};  // 2-D inputs have spatial axes 0 and 1
  EXPECT_THROW(predict_probabilities({net}, Compose({}), ds, o), medcnn::ConfigError);
}

TEST(PredictorUncertainty, MonteCarloDropoutVariesPassesAndLeavesTheNetworkAsItWas) {
  auto ds = std::make_shared<PhantomSet>(5);
  NetworkPtr net = small_resnet(0.5, 4);
  std::map<std::string, at::Tensor> before;
  for (const auto& b : net->named_buffers()) before[b.key()] = b.value().clone();
  for (const auto& q : net->named_parameters()) before[q.key()] = q.value().detach().clone();
  PredictorOptions o = quiet();
  o.mc_samples = 12;
  Predictions p = predict_probabilities({net}, Compose({}), ds, o);
  for (double mi : p.uncertainty.at("mutual_information")) EXPECT_GT(mi, 0.0);
  o.drop_weights = 0.2;
  Predictions q = predict_probabilities({net}, Compose({}), ds, o);
  for (double v : q.uncertainty.at("variance")) EXPECT_GT(v, 0.0);
  // Batch norm statistics and weights untouched, every module back in eval mode.
  for (const auto& b : net->named_buffers())
    EXPECT_TRUE(torch::equal(b.value(), before.at(b.key()))) << b.key();
  for (const auto& w : net->named_parameters())
    EXPECT_TRUE(torch::equal(w.value(), before.at(w.key()))) << w.key();
  for (const auto& m : net->modules()) EXPECT_FALSE(m->is_training()) << m->name();
  // Eval-mode predictions are still the deterministic ones.
  Predictions plain = predict_probabilities({net}, Compose({}), ds, quiet());
  at::Tensor x = ds->batch();
  torch::NoGradGuard ng;
  at::Tensor ref = torch::softmax(net->forward(x), 1);
  EXPECT_NEAR(plain.probabilities[2][1], ref[2][1].item<double>(), 1e-5);
}

TEST(PredictorUncertainty, MisconfiguredPassesAreNamedErrors) {
  auto ds = std::make_shared<PhantomSet>(2);
  PredictorOptions o = quiet();
  o.mc_samples = 5;
  std::string m = mt::expect_error<ConfigError>(
      [&] { predict_probabilities({small_resnet(0, 5)}, Compose({}), ds, o); });
  EXPECT_TRUE(mt::has(m, "no dropout layer")) << m;
  o.mc_samples = 0;
  o.drop_weights = 0.1;
  m = mt::expect_error<ConfigError>(
      [&] { predict_probabilities({small_resnet(0.5, 5)}, Compose({}), ds, o); });
  EXPECT_TRUE(mt::has(m, "mc_samples")) << m;
}

TEST(PredictorUncertainty, CsvKeepsTheUncertaintyColumns) {
  Predictions p;
  p.ids = {"a", "b"};
  p.labels = {0, 1};
  p.probabilities = {{0.9, 0.1}, {0.4, 0.6}};
  p.uncertainty["entropy"] = {0.325083, 0.673012};
  p.uncertainty["mutual_information"] = {0.01, 0.2};
  mt::TempDir dir;
  write_predictions_csv(dir.file("p.csv"), p, {"neg", "pos"}, {0, 1});
  std::vector<std::string> classes;
  Predictions r = read_predictions_csv(dir.file("p.csv"), &classes);
  EXPECT_EQ(classes, (std::vector<std::string>{"neg", "pos"}));
  EXPECT_NEAR(r.uncertainty.at("mutual_information")[1], 0.2, 1e-9);
  EXPECT_NEAR(r.uncertainty.at("entropy")[0], 0.325083, 1e-9);
  mt::write_text(dir.file("bad.csv"), "id,label,predicted,p_neg,p_pos,confidence\na,neg,neg,0.9,0.1,1\n");
  const std::string m =
      mt::expect_error<FormatError>([&] { read_predictions_csv(dir.file("bad.csv"), nullptr); });
  EXPECT_TRUE(mt::has(m, "confidence")) << m;
}

}  // namespace

namespace {

// Segmentation: Monte-Carlo dropout passes through the sliding window give
// per-voxel mutual information; 0 <= MI <= entropy everywhere (the MI of a
// voxel cannot exceed the entropy of its mean), and the deterministic
// segmenter gives entropy only.
TEST(SegmenterUncertainty, MonteCarloPassesGiveVoxelMutualInformation) {
  NetworkSpec s;
  s.name = "unet";
  s.params = {{"depth", 2}, {"width", 4}, {"dropout", 0.5}};
  torch::manual_seed(8);
  NetworkPtr net = make_network(s);
  Sample sample = mt::float_phantom(32, 3, 5, 3);
  SegmenterOptions so;
  so.window.roi_size = {16, 16};
  so.show_progress = false;
  Segmenter plain({net}, Compose({}), so);
  SegmentationResult r0 = plain.segment(sample);
  EXPECT_FALSE(r0.mutual_information.data.defined());
  so.mc_samples = 6;
  Segmenter mc({net}, Compose({}), so);
  SegmentationResult r = mc.segment(sample);
  ASSERT_TRUE(r.mutual_information.data.defined());
  at::Tensor mi = r.mutual_information.data[0], h = r.entropy.data[0];
  EXPECT_EQ(mi.sizes(), h.sizes());
  EXPECT_GE(mi.min().item<double>(), 0.0);
  EXPECT_TRUE((mi <= h + 1e-5).all().item<bool>());
  EXPECT_GT(mi.mean().item<double>(), 1e-4);
  // entropy of the mean, recomputed from the written probabilities
  at::Tensor p = r.probabilities.data;
  at::Tensor h2 = -(p * p.clamp_min(1e-12).log()).sum(0);
  EXPECT_LT((h2 - h).abs().max().item<double>(), 1e-4);
  // the network is left in eval mode with its weights
  for (const auto& m : net->modules()) EXPECT_FALSE(m->is_training()) << m->name();
}

// Test-time flips in segmentation: each flip combination is a sample, its
// map flipped back. The mean, the per-voxel variance and the MI are checked
// against the four eager whole-image passes of a 2-D U-Net (the window
// covers the image, so a pass is one forward call), written out here.
TEST(SegmenterUncertainty, TestTimeFlipsGiveTheMeanAndVarianceOfTheFlippedPasses) {
  NetworkSpec s;
  s.name = "unet";
  s.params = {{"depth", 2}, {"width", 4}};
  torch::manual_seed(9);
  NetworkPtr net = make_network(s);
  Sample sample = mt::float_phantom(32, 3, 5, 4);
  SegmenterOptions so;
  so.window.roi_size = {32, 32};
  so.show_progress = false;
  so.optimize = false;
  so.tta_flips = true;
  SegmentationResult r = Segmenter({net}, Compose({}), so).segment(sample);
  ASSERT_TRUE(r.variance.data.defined());
  ASSERT_TRUE(r.mutual_information.data.defined());
  torch::NoGradGuard ng;
  net->eval();
  at::Tensor x = sample.image.data.unsqueeze(0);
  std::vector<at::Tensor> ps;
  for (std::vector<int64_t> axes : {std::vector<int64_t>{}, {2}, {3}, {2, 3}}) {
    at::Tensor v = axes.empty() ? x : x.flip(axes);
    at::Tensor p = torch::softmax(net->forward(v), 1);
    ps.push_back((axes.empty() ? p : p.flip(axes))[0].to(torch::kDouble));
  }
  at::Tensor all = torch::stack(ps);  // [4, K, H, W]
  at::Tensor mean = all.mean(0);
  at::Tensor var = (all - mean).pow(2).mean(0).mean(0);  // ddof 0 over samples, mean over classes
  auto h = [](const at::Tensor& p) { return -(p * p.clamp_min(1e-12).log()).sum(0); };
  at::Tensor mi = h(mean) - (h(all[0]) + h(all[1]) + h(all[2]) + h(all[3])) / 4;
  EXPECT_LT((r.probabilities.data.to(torch::kDouble) - mean).abs().max().item<double>(), 1e-5);
  EXPECT_LT((r.variance.data[0].to(torch::kDouble) - var).abs().max().item<double>(), 1e-6);
  EXPECT_LT((r.mutual_information.data[0].to(torch::kDouble) - mi.clamp_min(0)).abs().max().item<double>(),
            1e-5);
  EXPECT_GT(var.max().item<double>(), 1e-6);  // the flips do disagree somewhere
  // The maps are written beside the labels.
  mt::TempDir dir;
  so.write_uncertainty = true;
  Segmenter writer({net}, Compose({}), so);
  auto files = writer.write(r, dir.path());
  EXPECT_NE(std::find(files.begin(), files.end(), dir.file(sample.id + "_variance.tif")), files.end());
}

}  // namespace
