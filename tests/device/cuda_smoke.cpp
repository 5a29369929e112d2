// CUDA smoke check, run by scripts/device-check on a machine with a GPU and a
// CUDA libtorch 2.x (not part of CI, which has no GPU).
//
// Checks that medcnn's torch-facing core builds against libtorch 2.x and that
// `--device cuda` works end to end: the device parses, Images and transforms
// run on GPU tensors with the same result as on the CPU, and batches from the
// threaded loader train a small CNN on the GPU with the same loss and
// gradients as on the CPU (float32, within 1e-4).
#include <torch/torch.h>

#include <iostream>

#include <ATen/CPUGeneratorImpl.h>

#include "medcnn/core/error.h"
#include "medcnn/core/image.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/loader.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/transform.h"

using namespace medcnn;

// This program links the core, the transforms and the loader but not the
// readers (ITK, OpenCV: absent on the GPU machine); data/dataset.cpp refers
// to read_image, which the smoke data set never calls.
Image medcnn::read_image(const std::string& path) {
  throw IoError(path, "no image readers in the CUDA smoke program");
}

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
  c10::Device dev = parse_device("cuda");
  check(dev.is_cuda(), "parse_device(\"cuda\") gives a CUDA device");
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
  check(gpu.image.data.is_cuda(), "transforms keep the image on the GPU");
  check(torch::allclose(cpu.image.data, gpu.image.data.cpu(), 1e-4, 1e-5),
        "transformed image equals the CPU result");
  check(torch::equal(cpu.mask->data, gpu.mask->data.cpu()), "transformed mask equals the CPU result");

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
