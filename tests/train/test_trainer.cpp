// Trainer: learning, determinism, exact resume, early stopping, checkpoints.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/tasks/classification.h"
#include "medcnn/tasks/segmentation.h"
#include "medcnn/train/checkpoint.h"
#include "medcnn/train/mixup.h"
#include "medcnn/train/trainer.h"
#include "test_support.h"
#include "toy.h"

namespace fs = std::filesystem;
using nlohmann::json;
namespace mt = medcnn::test;

namespace {

medcnn::NetworkPtr toy_net(uint64_t seed) {
  torch::manual_seed(seed);
  medcnn::NetworkSpec s;
  s.name = "test_toy";
  return medcnn::make_network(s);
}

struct Setup {
  std::shared_ptr<medcnn::DataLoader> train, val;
  std::shared_ptr<medcnn::ClassificationTask> task;
};

Setup setup(uint64_t seed, int64_t batch_size = 8) {
  auto train_ds = std::make_shared<mt::ToyDataset>(64);
  auto val_ds = std::make_shared<mt::ToyDataset>(32, 1.5);
  medcnn::LoaderOptions lo;
  lo.batch_size = batch_size;
  lo.shuffle = true;
  lo.workers = 1;
  lo.seed = seed;
  Setup s;
  s.train = std::make_shared<medcnn::DataLoader>(train_ds, medcnn::Compose({}), lo);
  lo.shuffle = false;
  s.val = std::make_shared<medcnn::DataLoader>(val_ds, medcnn::Compose({}), lo);
  medcnn::ClassificationOptions co;
  co.class_names = {"absent", "present"};
  co.class_counts = {32, 32};
  s.task = std::make_shared<medcnn::ClassificationTask>(co);
  return s;
}

medcnn::TrainerOptions options(const std::string& out, int64_t epochs) {
  medcnn::TrainerOptions o;
  o.epochs = epochs;
  o.out_dir = out;
  o.optimizer = {{"name", "sgd"}, {"lr", 0.05}, {"momentum", 0.9}};
  o.schedule = {{"name", "cosine"}, {"warmup_epochs", 1}};
  o.precision = "fp32";
  o.show_progress = false;
  return o;
}

bool same_weights(medcnn::Network& a, medcnn::Network& b) {
  auto pa = a.named_parameters(true);
  auto pb = b.named_parameters(true);
  for (auto& p : pa)
    if (!torch::equal(p.value(), pb[p.key()])) return false;
  return true;
}

}  // namespace

namespace {
using ToyNetForTests = mt::ToyNet;
}
MEDCNN_REGISTER_NETWORK("test_toy", ToyNetForTests);

TEST(Trainer, LearnsAnEasyProblemAndWritesItsFiles) {
  mt::TempDir dir;
  auto s = setup(1);
  auto net = toy_net(1);
  medcnn::Trainer trainer(net, s.task, options(dir.path(), 6));
  auto result = trainer.fit(*s.train, s.val.get());
  ASSERT_EQ(result.history.size(), 6u);
  EXPECT_EQ(result.monitor, "auc");
  EXPECT_GT(result.best_value, 0.9) << "val AUC on a separable toy problem";
  EXPECT_LT(result.history.back().train_loss, result.history.front().train_loss);
  for (auto f : {"best.pt", "last.pt", "history.csv"}) EXPECT_TRUE(fs::exists(dir.file(f))) << f;
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << "temporary left: " << e.path();
  // history.csv: a header and one row per epoch, val_auc column present.
  std::ifstream in(dir.file("history.csv"));
  std::string header;
  std::getline(in, header);
  EXPECT_NE(header.find("epoch,lr,train_loss,val_loss"), std::string::npos) << header;
  EXPECT_NE(header.find("val_auc"), std::string::npos) << header;
  int rows = 0;
  for (std::string l; std::getline(in, l);) ++rows;
  EXPECT_EQ(rows, 6);
  // best.pt rebuilds the network with the trainer's final (best) weights.
  json meta;
  auto loaded = medcnn::load_network(dir.file("best.pt"), torch::kCPU, &meta);
  EXPECT_EQ(meta["epoch"].get<int64_t>(), result.best_epoch);
  EXPECT_TRUE(same_weights(*net, *loaded));
}

TEST(Trainer, SameSeedGivesSameWeights) {
  auto run = [](uint64_t seed) {
    auto s = setup(seed);
    auto net = toy_net(seed);
    medcnn::Trainer trainer(net, s.task, options("", 2));
    trainer.fit(*s.train, s.val.get());
    return net;
  };
  auto a = run(3), b = run(3), c = run(4);
  EXPECT_TRUE(same_weights(*a, *b));
  EXPECT_FALSE(same_weights(*a, *c));
}

TEST(Trainer, ResumeContinuesExactly) {
  // A run killed after epoch 2 of 4 (emulated by a 2-epoch run: the step
  // schedule's lr depends on the epoch only), then resumed to epoch 4, ends
  // with the same weights as 4 epochs straight: optimiser momentum, lr,
  // dropout RNG and loader order all continue.
  auto opts = [](const std::string& out, int64_t epochs, bool resume) {
    auto o = options(out, epochs);
    o.schedule = {{"name", "step"}, {"step_size", 1}, {"gamma", 0.7}};
    o.resume = resume;
    return o;
  };
  mt::TempDir resumed, straight;
  {
    auto s = setup(5);
    medcnn::Trainer(toy_net(5), s.task, opts(resumed.path(), 2, false)).fit(*s.train, s.val.get());
  }
  medcnn::TrainResult r;
  {
    auto s = setup(5);
    auto net = toy_net(99);  // different initial weights: resume must overwrite them
    r = medcnn::Trainer(net, s.task, opts(resumed.path(), 4, true)).fit(*s.train, s.val.get());
  }
  EXPECT_EQ(r.history.size(), 4u);
  EXPECT_EQ(r.history[2].epoch, 3);
  medcnn::TrainResult full;
  {
    auto s = setup(5);
    full = medcnn::Trainer(toy_net(5), s.task, opts(straight.path(), 4, false)).fit(*s.train, s.val.get());
  }
  auto a = medcnn::load_network(resumed.file("last.pt"), torch::kCPU);
  auto b = medcnn::load_network(straight.file("last.pt"), torch::kCPU);
  EXPECT_TRUE(same_weights(*a, *b)) << "2 epochs + resume for 2 == 4 epochs straight";
  for (int i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(r.history[i].lr, full.history[i].lr) << "epoch " << i + 1;
    EXPECT_DOUBLE_EQ(r.history[i].train_loss, full.history[i].train_loss) << "epoch " << i + 1;
  }
}

TEST(Trainer, ResumeWithoutCheckpointIsAnIoError) {
  mt::TempDir dir;
  auto s = setup(1);
  auto o = options(dir.path(), 2);
  o.resume = true;
  medcnn::Trainer t(toy_net(1), s.task, o);
  EXPECT_THROW(t.fit(*s.train, s.val.get()), medcnn::IoError);
}

TEST(Trainer, EarlyStoppingStopsAndKeepsTheBestEpoch) {
  mt::TempDir dir;
  auto s = setup(2);
  auto o = options(dir.path(), 10);
  o.optimizer = {{"name", "sgd"}, {"lr", 1e-12}};  // nothing changes: no improvement after epoch 1
  o.schedule = {{"name", "constant"}};
  o.patience = 2;
  o.monitor = "loss";
  auto r = medcnn::Trainer(toy_net(2), s.task, o).fit(*s.train, s.val.get());
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.history.size(), 3u) << "epoch 1 best, then 2 epochs without improvement";
  EXPECT_EQ(r.best_epoch, 1);
}

TEST(Trainer, KeepLastKeepsTheFinalEpochWithOrWithoutValidation) {
  // The oracle: a run that writes no checkpoints ends with its last epoch's
  // weights (the validation pass draws no random numbers, so it does not
  // change the training path).
  auto o = options("", 4);
  o.optimizer = {{"name", "sgd"}, {"lr", 0.5}, {"momentum", 0.9}};  // noisy: the best epoch is not the last
  o.schedule = {{"name", "constant"}};
  o.monitor = "loss";
  auto s = setup(5);
  auto last_net = toy_net(5);
  medcnn::Trainer(last_net, s.task, o).fit(*s.train, nullptr);
  {
    // The test can fail: choosing by the validation loss keeps an earlier epoch.
    mt::TempDir dir;
    auto ob = o;
    ob.out_dir = dir.path();
    auto sb = setup(5);
    auto r = medcnn::Trainer(toy_net(5), sb.task, ob).fit(*sb.train, sb.val.get());
    ASSERT_LT(r.best_epoch, 4) << "the validation loss is lowest at the last epoch: pick another lr";
  }
  for (bool with_val : {true, false}) {
    mt::TempDir dir;
    auto ok = o;
    ok.out_dir = dir.path();
    ok.keep_last = true;
    ok.monitor = "auc";  // logged with validation data, ignored without
    auto sk = setup(5);
    auto net = toy_net(5);
    auto r = medcnn::Trainer(net, sk.task, ok).fit(*sk.train, with_val ? sk.val.get() : nullptr);
    EXPECT_EQ(r.best_epoch, 4) << "with validation: " << with_val;
    EXPECT_TRUE(same_weights(*net, *last_net)) << "with validation: " << with_val;
    json meta;
    auto loaded = medcnn::load_network(dir.file("best.pt"), torch::kCPU, &meta);
    EXPECT_EQ(meta["epoch"].get<int64_t>(), 4);
    EXPECT_TRUE(same_weights(*loaded, *last_net)) << "best.pt is not the last epoch";
    if (with_val) EXPECT_TRUE(r.history.back().metrics.count("auc")) << "the monitor is still logged";
  }
}

TEST(Trainer, EmptyValidationAndEarlyStoppingWithKeepLastAreRefused) {
  // An empty validation loader would score 0 every epoch and keep epoch 1.
  auto s = setup(1);
  medcnn::LoaderOptions lo;
  lo.batch_size = 8;
  lo.workers = 1;
  medcnn::DataLoader empty(std::make_shared<mt::ToyDataset>(0), medcnn::Compose({}), lo);
  ASSERT_EQ(empty.batches_per_epoch(), 0u);
  mt::TempDir dir;
  medcnn::Trainer t(toy_net(1), s.task, options(dir.path(), 2));
  try {
    t.fit(*s.train, &empty);
    FAIL() << "an empty validation loader was accepted";
  } catch (const medcnn::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("validation"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.file("best.pt"))) << "refused, but a checkpoint was written";
  auto o = options("", 2);
  o.keep_last = true;
  o.patience = 2;
  EXPECT_THROW(medcnn::Trainer(toy_net(1), s.task, o).fit(*s.train, s.val.get()), medcnn::ConfigError);
}

TEST(Trainer, UnknownMonitorAndNanLossAreClearErrors) {
  auto s = setup(1);
  auto o = options("", 1);
  o.monitor = "dice";
  medcnn::Trainer t(toy_net(1), s.task, o);
  EXPECT_THROW(t.fit(*s.train, s.val.get()), medcnn::ConfigError);
  // A batch holding NaN makes the loss NaN: DataError naming the batch.
  medcnn::Batch b;
  b.ids = {"bad_case"};
  b.images = torch::full({1, 1, 12, 12}, NAN);
  b.labels = torch::tensor({1}, torch::kLong);
  medcnn::Trainer t2(toy_net(1), s.task, options("", 1));
  try {
    t2.train_step(b);
    FAIL() << "no error for a NaN loss";
  } catch (const medcnn::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad_case"), std::string::npos) << e.what();
  }
}

TEST(Trainer, Bf16AutocastTrainsWithFiniteLoss) {
  auto s = setup(6);
  auto o = options("", 3);
  o.precision = "bf16";
  auto net = toy_net(6);
  medcnn::Trainer t(net, s.task, o);
  EXPECT_EQ(t.precision(), medcnn::Precision::BFloat16);
  auto r = t.fit(*s.train, s.val.get());
  for (const auto& e : r.history) EXPECT_TRUE(std::isfinite(e.train_loss));
  EXPECT_GT(r.best_value, 0.8);
  for (auto& p : net->parameters()) EXPECT_EQ(p.scalar_type(), torch::kFloat) << "weights stay fp32";
}

TEST(Checkpoint, MissingAndCorruptFilesAreClearErrors) {
  mt::TempDir dir;
  EXPECT_THROW(medcnn::load_network(dir.file("none.pt"), torch::kCPU), medcnn::IoError);
  mt::write_text(dir.file("bad.pt"), "this is not a zip archive");
  try {
    medcnn::load_network(dir.file("bad.pt"), torch::kCPU);
    FAIL() << "no error for a corrupt checkpoint";
  } catch (const medcnn::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.pt"), std::string::npos);
  }
  // A valid checkpoint cut in half is a FormatError too.
  auto net = toy_net(1);
  medcnn::save_checkpoint(dir.file("ok.pt"), *net, json::object());
  std::string bytes;
  {
    std::ifstream in(dir.file("ok.pt"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  mt::write_text(dir.file("half.pt"), bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(medcnn::load_network(dir.file("half.pt"), torch::kCPU), medcnn::FormatError);
  auto back = medcnn::load_network(dir.file("ok.pt"), torch::kCPU);
  EXPECT_TRUE(same_weights(*net, *back));
}

// The weight average (train.ema_decay): worked step by step against the
// weights the run itself wrote, it leaves the training path alone, it is
// what best.pt keeps, and --resume restores it.
TEST(Trainer, WeightAverageFollowsTheLiveWeightsStepByStep) {
  // One optimiser step per epoch (batch = the 64 cases), one epoch per call:
  // last.pt after each epoch holds the live weights w_t, so the average can
  // be computed here from them: a_t = d_t a_{t-1} + (1 - d_t) w_t with
  // d_t = min(0.9, (1 + t) / (10 + t)) and a_0 the initial weights.
  mt::TempDir dir;
  const double decay = 0.9;
  auto o = [&](int64_t epochs, bool resume) {
    auto x = options(dir.path(), epochs);
    x.ema_decay = decay;
    x.resume = resume;
    x.monitor = "loss";
    return x;
  };
  auto a0 = toy_net(7);
  std::vector<at::Tensor> expected;
  for (auto& p : a0->parameters()) expected.push_back(p.detach().clone());
  for (int64_t t = 1; t <= 3; ++t) {
    auto s = setup(7, 64);
    medcnn::Trainer(toy_net(7), s.task, o(t, t > 1)).fit(*s.train, s.val.get());
    auto live = medcnn::load_network(dir.file("last.pt"), torch::kCPU);
    const double d = std::min(decay, (1.0 + t) / (10.0 + t));
    auto w = live->parameters();
    for (size_t i = 0; i < w.size(); ++i) expected[i] = d * expected[i] + (1 - d) * w[i].detach();
  }
  auto net = toy_net(1);
  medcnn::WeightAverage avg(*net, decay);
  medcnn::load_training_state(dir.file("last.pt"), {nullptr, false, &avg});
  EXPECT_EQ(avg.steps(), 3);
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(torch::allclose(avg.tensors()[i], expected[i], 1e-6, 1e-7)) << "tensor " << i;
  // The average is not the live weights.
  auto live = medcnn::load_network(dir.file("last.pt"), torch::kCPU);
  EXPECT_FALSE(torch::allclose(live->parameters()[0], expected[0], 1e-4, 1e-5));
}

TEST(Trainer, WeightAverageKeepsTheTrainingPathAndIsWhatBestKeeps) {
  mt::TempDir with, without;
  auto run = [](const std::string& out, double ema) {
    auto s = setup(8);
    auto o = options(out, 3);
    o.ema_decay = ema;
    auto net = toy_net(8);
    auto r = medcnn::Trainer(net, s.task, o).fit(*s.train, s.val.get());
    return std::make_pair(net, r);
  };
  auto [net_ema, r_ema] = run(with.path(), 0.95);
  auto [net_plain, r_plain] = run(without.path(), 0.0);
  // Same seed: the live weights and training losses do not depend on the average.
  auto a = medcnn::load_network(with.file("last.pt"), torch::kCPU);
  auto b = medcnn::load_network(without.file("last.pt"), torch::kCPU);
  EXPECT_TRUE(same_weights(*a, *b));
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(r_ema.history[i].train_loss, r_plain.history[i].train_loss);
    EXPECT_NE(r_ema.history[i].val_loss, r_plain.history[i].val_loss) << "validates the average";
  }
  // The network ends with best.pt's weights, which are the average's.
  auto best = medcnn::load_network(with.file("best.pt"), torch::kCPU);
  EXPECT_TRUE(same_weights(*net_ema, *best));
  EXPECT_FALSE(same_weights(*net_ema, *net_plain));
  // A last.pt written without the average cannot resume a run that keeps one.
  auto s = setup(8);
  auto o = options(without.path(), 4);
  o.ema_decay = 0.95;
  o.resume = true;
  EXPECT_THROW(medcnn::Trainer(toy_net(8), s.task, o).fit(*s.train, s.val.get()),
               medcnn::FormatError);
}

TEST(Trainer, ResumeRestoresTheWeightAverage) {
  mt::TempDir resumed, straight;
  auto opts = [](const std::string& out, int64_t epochs, bool resume) {
    auto o = options(out, epochs);
    o.schedule = {{"name", "step"}, {"step_size", 1}, {"gamma", 0.7}};
    o.ema_decay = 0.9;
    o.monitor = "loss";
    o.resume = resume;
    return o;
  };
  {
    auto s = setup(9);
    medcnn::Trainer(toy_net(9), s.task, opts(resumed.path(), 2, false)).fit(*s.train, s.val.get());
  }
  medcnn::TrainResult r, full;
  {
    auto s = setup(9);
    r = medcnn::Trainer(toy_net(99), s.task, opts(resumed.path(), 4, true)).fit(*s.train, s.val.get());
  }
  {
    auto s = setup(9);
    full = medcnn::Trainer(toy_net(9), s.task, opts(straight.path(), 4, false)).fit(*s.train, s.val.get());
  }
  for (int i = 0; i < 4; ++i)
    EXPECT_DOUBLE_EQ(r.history[i].val_loss, full.history[i].val_loss) << "epoch " << i + 1;
  auto a = medcnn::load_network(resumed.file("best.pt"), torch::kCPU);
  auto b = medcnn::load_network(straight.file("best.pt"), torch::kCPU);
  EXPECT_TRUE(same_weights(*a, *b));
}

TEST(Trainer, MixupLossWeighsBothTargetsByLambda) {
  // The step's loss recomputed here from the same draws: torch's generator
  // is restored, lambda and the pairing drawn again, and a copy of the
  // network (same initial weights, same dropout draws) scored with
  // lambda * CE(y) + (1 - lambda) * CE(y[p]) in plain libtorch.
  auto s = setup(3, 16);
  torch::manual_seed(11);
  medcnn::Batch b;
  b.images = torch::randn({16, 1, 12, 12});
  b.labels = torch::randint(0, 2, {16}, torch::kLong);
  for (int i = 0; i < 16; ++i) b.ids.push_back("c" + std::to_string(i));
  auto o = options("", 1);
  o.mixup_alpha = 0.4;
  medcnn::Trainer trainer(toy_net(5), s.task, o);
  auto copy = toy_net(5);
  auto generator = at::detail::getDefaultCPUGenerator();
  const auto state = generator.get_state();
  const double got = trainer.train_step(b);
  generator.set_state(state);
  const auto m = medcnn::mix_up(b, 0.4);
  copy->train();
  const auto out = copy->forward(m.images);
  auto ce = [&](const at::Tensor& y) { return torch::nn::functional::cross_entropy(out, y).item<double>(); };
  const auto partner = b.labels.index_select(0, torch::tensor(m.permutation, torch::kLong));
  const double expected = m.lambda * ce(b.labels) + (1 - m.lambda) * ce(partner);
  EXPECT_NEAR(got, expected, 1e-5);
  // Both targets count: the loss is not the first target's alone.
  EXPECT_GT(std::abs(expected - ce(b.labels)), 1e-4) << "lambda " << m.lambda;
}

TEST(Trainer, MixupIsRefusedOutsideClassification) {
  medcnn::SegmentationOptions so;
  so.class_names = {"background", "lesion"};
  auto o = options("", 1);
  o.mixup_alpha = 0.4;
  EXPECT_THROW(medcnn::Trainer(toy_net(1), std::make_shared<medcnn::SegmentationTask>(so), o),
               medcnn::ConfigError);
  o.mixup_alpha = -0.1;
  EXPECT_THROW(medcnn::Trainer(toy_net(1), setup(1).task, o), medcnn::ConfigError);
}
