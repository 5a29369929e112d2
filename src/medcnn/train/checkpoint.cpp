#include "medcnn/train/checkpoint.h"

#include <torch/torch.h>

#include <filesystem>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"

namespace medcnn {
namespace {

constexpr const char* kFormat = "medcnn-checkpoint";

torch::serialize::InputArchive open_archive(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw IoError(path, "checkpoint not found");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw FormatError(path, "not a readable checkpoint (corrupt or truncated file)");
  }
  return archive;
}

nlohmann::json meta_of(torch::serialize::InputArchive& archive, const std::string& path) {
  c10::IValue value;
  if (!archive.try_read("meta", value) || !value.isString())
    throw FormatError(path, "not a medcnn checkpoint (no metadata)");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(value.toStringRef());
  } catch (const std::exception&) {
    throw FormatError(path, "checkpoint metadata is not valid JSON");
  }
  if (meta.value("format", "") != kFormat)
    throw FormatError(path, "not a medcnn checkpoint (format is not '" + std::string(kFormat) + "')");
  return meta;
}

}  // namespace

void save_checkpoint(const std::string& path, Network& net, nlohmann::json meta,
                     CheckpointParts parts) {
  meta["format"] = kFormat;
  meta["version"] = 1;
  meta["network"] = network_spec_to_json(net.spec());
  torch::serialize::OutputArchive archive;
  archive.write("meta", c10::IValue(meta.dump()));
  torch::serialize::OutputArchive model;
  net.save(model);
  archive.write("model", model);
  if (parts.optimizer) {
    torch::serialize::OutputArchive opt;
    parts.optimizer->save(opt);
    archive.write("optimizer", opt);
  }
  if (parts.rng) {
    archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
  }
  if (parts.average) {
    torch::serialize::OutputArchive avg;
    avg.write("steps", c10::IValue(parts.average->steps()));
    const auto& tensors = parts.average->tensors();
    avg.write("count", c10::IValue(int64_t(tensors.size())));
    for (size_t i = 0; i < tensors.size(); ++i) avg.write("t" + std::to_string(i), tensors[i]);
    archive.write("weight_average", avg);
  }
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomically(path, bytes.str());
}

nlohmann::json read_checkpoint_meta(const std::string& path) {
  auto archive = open_archive(path);
  return meta_of(archive, path);
}

namespace {
void load_model_archive(Network& net, torch::serialize::InputArchive& archive,
                        const std::string& path) {
  torch::serialize::InputArchive model;
  if (!archive.try_read("model", model)) throw FormatError(path, "checkpoint has no weights");
  try {
    net.load(model);
  } catch (const c10::Error& e) {
    throw FormatError(path, "weights do not fit the network '" + net.spec().name + "'");
  }
}
}  // namespace

NetworkPtr load_network(const std::string& path, const c10::Device& device, nlohmann::json* meta) {
  auto archive = open_archive(path);
  nlohmann::json m = meta_of(archive, path);
  if (!m.contains("network")) throw FormatError(path, "checkpoint has no network spec");
  NetworkPtr net = make_network(network_spec_from_json(m["network"]));
  load_model_archive(*net, archive, path);
  net->to(device);
  if (meta) *meta = std::move(m);
  return net;
}

void load_weights(Network& net, const std::string& path) {
  auto archive = open_archive(path);
  meta_of(archive, path);
  auto params = net.parameters();
  const c10::Device device = params.empty() ? c10::Device("cpu") : params[0].device();
  load_model_archive(net, archive, path);
  net.to(device);  // the archive's tensors are on the CPU
}

void load_training_state(const std::string& path, CheckpointParts parts) {
  auto archive = open_archive(path);
  meta_of(archive, path);
  if (parts.optimizer) {
    torch::serialize::InputArchive opt;
    if (!archive.try_read("optimizer", opt))
      throw FormatError(path, "checkpoint has no optimizer state (cannot resume from it)");
    parts.optimizer->load(opt);
  }
  if (parts.rng) {
    at::Tensor state;
    if (!archive.try_read("rng", state))
      throw FormatError(path, "checkpoint has no RNG state (cannot resume from it)");
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
  }
  if (parts.average) {
    torch::serialize::InputArchive avg;
    c10::IValue steps, count;
    if (!archive.try_read("weight_average", avg) || !avg.try_read("steps", steps) ||
        !avg.try_read("count", count))
      throw FormatError(path, "checkpoint has no weight average (train.ema_decay was 0 when it was written)");
    std::vector<at::Tensor> tensors(count.toInt());
    for (size_t i = 0; i < tensors.size(); ++i)
      if (!avg.try_read("t" + std::to_string(i), tensors[i]))
        throw FormatError(path, "checkpoint's weight average is incomplete");
    try {
      parts.average->load(tensors, steps.toInt());
    } catch (const FormatError&) {
      throw FormatError(path, "weight average does not fit the network");
    }
  }
}

}  // namespace medcnn
