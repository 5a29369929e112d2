// CUDA smoke check, run by scripts/device-check on a machine with a GPU and a
// CUDA libtorch 2.x (not part of CI, which has no GPU).
//
// Checks that medcnn's torch-facing core builds against libtorch 2.x and that
// `--device cuda` works end to end: the device parses, Images and transforms
// run on GPU tensors with the same result as on the CPU, and batches from the
// threaded loader train a small CNN on the GPU with the same loss and
// gradients as on the CPU (float32, within 1e-4).
#include <torch/torch.h>

#include <cstdlib>
#include <iostream>

#include <ATen/CPUGeneratorImpl.h>

#include "medcnn/core/error.h"
#include "medcnn/core/image.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/loader.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/transform.h"

using namespace medcnn;

#ifndef MEDCNN_WITH_IO
// On the GPU machine this program links the core, the transforms and the
// loader but not the readers (ITK, OpenCV: absent there); data/dataset.cpp
// refers to read_image, which the smoke data set never calls. (The CTest
// build links the whole library and defines MEDCNN_WITH_IO.)
Image medcnn::read_image(const std::string& path) {
  throw IoError(path, "no image readers in the CUDA smoke program");
}
#endif

namespace {

// 32 random 1x40x40 images with a mask (pixels above 0.5) and a label.
class RandomDataset : public Dataset {
 public:
  size_t size() const override { return 32; }
  Sample get(size_t i) const override {
    auto gen = at::detail::createCPUGenerator(1000 + i);
    auto x = torch::randn({1, 40, 40}, gen, torch::kFloat);
    Sample s;
    s.id = "case" + std::to_string(i);
    s.image = Image(x, Geometry::identity(2), PixelType::Float32);
    s.mask = Image((x > 0.5).to(torch::kByte), Geometry::identity(2), PixelType::UInt8);
    s.label = static_cast<int64_t>(i % 2);
    return s;
  }
  std::string describe() const override { return "random"; }
};

int failures = 0;
void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  if (!ok) ++failures;
}

}  // namespace

int main() {
  set_threads(0);
  std::cout << "torch " << TORCH_VERSION << ", cuda available " << torch::cuda::is_available()
            << ", devices " << static_cast<int>(torch::cuda::device_count()) << "\n";
  // MEDCNN_SMOKE_DEVICE=cpu runs the same checks CPU against CPU (to try the
  // program on a machine without a GPU).
  const char* want = std::getenv("MEDCNN_SMOKE_DEVICE");
  const std::string name = want ? want : "cuda";
  c10::Device dev = parse_device(name);
  check(dev.is_cuda() || name == "cpu", "parse_device(\"" + name + "\") gives that device");
  bool refused = false;
  try {
    parse_device("cuda:99");
  } catch (const Error&) {
    refused = true;
  }
  check(refused, "parse_device(\"cuda:99\") is refused");

  // Transforms on GPU tensors give what they give on the CPU.
  Compose t = make_transforms(nlohmann::json::parse(R"([
      {"name": "NormalizeIntensity"},
      {"name": "RandFlip", "prob": 1.0, "spatial_axis": [0, 1]},
      {"name": "Resize", "spatial_size": [48, 48]},
      {"name": "RandSpatialCrop", "roi_size": [32, 32]},
      {"name": "ScaleIntensity", "minv": 0.0, "maxv": 1.0}])"));
  RandomDataset ds;
  Sample cpu = ds.get(3), gpu = ds.get(3);
  gpu.image.data = gpu.image.data.to(dev);
  gpu.mask->data = gpu.mask->data.to(dev);
  Rng r1(11), r2(11);
  t.apply(cpu, r1);
  t.apply(gpu, r2);
  check(gpu.image.data.device().type() == dev.type(), "transforms keep the image on the device");
  check(torch::allclose(cpu.image.data, gpu.image.data.cpu(), 1e-4, 1e-5),
        "transformed image equals the CPU result");
  check(torch::equal(cpu.mask->data, gpu.mask->data.cpu()), "transformed mask equals the CPU result");

  // Deterministic preprocessing gives the CPU's result on the GPU; every
  // random augmentation of the nnU-Net-like chain runs there, stays there and
  // keeps the mask's label set.
  Compose pre = make_transforms(nlohmann::json::parse(R"([
      {"name": "ScaleIntensityRangePercentiles", "lower": 1, "upper": 99, "b_min": 0, "b_max": 1},
      {"name": "GaussianSmooth", "sigma": 1.5},
      {"name": "Spacing", "pixdim": [0.8, 1.25]},
      {"name": "ResizeWithPadOrCrop", "spatial_size": [40, 40]}])"));
  Sample pre_cpu = ds.get(5), pre_gpu = ds.get(5);
  pre_gpu.image.data = pre_gpu.image.data.to(dev);
  pre_gpu.mask->data = pre_gpu.mask->data.to(dev);
  Rng q1(3), q2(3);
  pre.apply(pre_cpu, q1);
  pre.apply(pre_gpu, q2);
  check(pre_gpu.image.data.device().type() == dev.type(), "preprocessing keeps the image on the device");
  check(torch::allclose(pre_cpu.image.data, pre_gpu.image.data.cpu(), 1e-4, 1e-4),
        "preprocessed image equals the CPU result");
  check(torch::equal(pre_cpu.mask->data, pre_gpu.mask->data.cpu()), "preprocessed mask equals the CPU result");
  Compose aug = make_transforms(nlohmann::json::parse(R"([
      {"name": "RandAffine", "prob": 1.0, "rotate_range": 0.5, "scale_range": [0.8, 1.2]},
      {"name": "RandElastic", "prob": 1.0, "sigma_range": [5, 6], "magnitude_range": [5, 10]},
      {"name": "RandGaussianNoise", "prob": 1.0, "std": 0.1},
      {"name": "RandGaussianSmooth", "prob": 1.0},
      {"name": "RandScaleIntensity", "prob": 1.0, "factors": 0.2},
      {"name": "RandContrast", "prob": 1.0},
      {"name": "RandSimulateLowResolution", "prob": 1.0},
      {"name": "RandAdjustContrast", "prob": 1.0},
      {"name": "RandFlip", "prob": 1.0, "spatial_axis": [0]}])"));
  Sample ag = ds.get(6);
  ag.image.data = ag.image.data.to(dev);
  ag.mask->data = ag.mask->data.to(dev);
  Rng q3(4);
  aug.apply(ag, q3);
  check(ag.image.data.device().type() == dev.type() && ag.mask->data.device().type() == dev.type(),
        "augmentation chain stays on the device");
  check(torch::isfinite(ag.image.data).all().item<bool>(), "augmented image is finite");
  auto labels_after = std::get<0>(at::_unique(ag.mask->data.cpu().to(torch::kLong)));
  check(labels_after.max().item<int64_t>() <= 1 && labels_after.min().item<int64_t>() >= 0,
        "augmented mask keeps its label set");

  // Loader batches train a small CNN on the GPU as on the CPU.
  LoaderOptions lo;
  lo.batch_size = 8;
  lo.workers = 2;
  lo.shuffle = true;
  lo.seed = 5;
  DataLoader loader(std::make_shared<RandomDataset>(), t, lo);
  loader.start_epoch(0);
  auto batch = loader.next();
  check(batch.has_value() && batch->images.size(0) == 8, "loader gives a batch of 8");

  torch::manual_seed(0);
  torch::nn::Sequential cpu_net(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 8, 3).padding(1)),
                                torch::nn::BatchNorm2d(8), torch::nn::ReLU(),
                                torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten(),
                                torch::nn::Linear(8, 2));
  torch::nn::Sequential gpu_net(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 8, 3).padding(1)),
                                torch::nn::BatchNorm2d(8), torch::nn::ReLU(),
                                torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten(),
                                torch::nn::Linear(8, 2));
  {
    torch::NoGradGuard ng;
    auto src = cpu_net->parameters(), dst = gpu_net->parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  gpu_net->to(dev);
  auto loss_cpu = torch::nn::functional::cross_entropy(cpu_net->forward(batch->images), batch->labels);
  auto loss_gpu = torch::nn::functional::cross_entropy(gpu_net->forward(batch->images.to(dev)),
                                                       batch->labels.to(dev));
  loss_cpu.backward();
  loss_gpu.backward();
  check(std::abs(loss_cpu.item<double>() - loss_gpu.item<double>()) < 1e-4,
        "loss on the GPU equals the CPU loss (" + std::to_string(loss_cpu.item<double>()) + ")");
  double worst = 0;
  auto pc = cpu_net->parameters(), pg = gpu_net->parameters();
  for (size_t i = 0; i < pc.size(); ++i)
    worst = std::max(worst, (pc[i].grad() - pg[i].grad().cpu()).abs().max().item<double>());
  check(worst < 1e-4, "gradients on the GPU equal the CPU ones (max diff " + std::to_string(worst) + ")");

  std::cout << (failures ? "CUDA SMOKE FAILED" : "CUDA SMOKE OK") << "\n";
  return failures ? 1 : 0;
}
