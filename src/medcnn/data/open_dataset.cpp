// open_dataset: picks the source class from what the path is. See sources.h.
#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "medcnn/core/error.h"
#include "medcnn/data/ecg_beat_dataset.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/wfdb.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {

// The .hea files directly in a folder, sorted.
std::vector<std::string> wfdb_headers_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator d(dir, ec), end; !ec && d != end; d.increment(ec)) {
    std::error_code ec2;
    if (d->is_regular_file(ec2) && is_wfdb_header(d->path().string()))
      out.push_back(d->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void no_options(const nlohmann::json& options, const std::string& kind) {
  if (options.is_object() && !options.empty())
    throw ConfigError("data." + options.begin().key(),
                      "unknown option: a " + kind + " takes no source options");
}

}  // namespace

DatasetPtr open_dataset(const std::string& spec, const std::string& split) {
  return open_dataset(spec, split, nlohmann::json::object());
}

DatasetPtr open_dataset(const std::string& spec, const std::string& split,
                        const nlohmann::json& options) {
  std::error_code ec;
  if (spec.empty()) throw ConfigError("data", "no data set given");
  if (!fs::exists(spec, ec)) throw IoError(spec, "data set not found");
  if (!options.is_null() && !options.is_object())
    throw ConfigError("data", "data set options must be a table");
  if (fs::is_directory(spec, ec)) {
    if (fs::is_directory(fs::path(spec) / "Annotations", ec)) {
      no_options(options, "Pascal VOC folder");
      return std::make_shared<VocDataset>(spec, split);
    }
    if (fs::exists(fs::path(spec) / "dataset.json", ec)) {
      no_options(options, "dataset.json");
      return std::make_shared<DecathlonDataset>((fs::path(spec) / "dataset.json").string(),
                                                split.empty() ? "training" : split);
    }
    auto headers = wfdb_headers_in(spec);
    if (!headers.empty())
      return std::make_shared<EcgBeatDataset>(std::move(headers),
                                              EcgBeatOptions::from_json(options, "data"));
    no_options(options, "class folder");
    return std::make_shared<FolderDataset>(spec);
  }
  const std::string ext = file_extension(spec);
  if (ext == ".csv")
    return std::make_shared<CsvDataset>(spec, CsvOptions::from_json(options, "data"));
  if (is_wfdb_header(spec))
    return std::make_shared<EcgBeatDataset>(std::vector<std::string>{spec},
                                            EcgBeatOptions::from_json(options, "data"));
  if (ext == ".json") {
    no_options(options, "dataset.json");
    return std::make_shared<DecathlonDataset>(spec, split.empty() ? "training" : split);
  }
  if (ext == ".npz") {
    no_options(options, "MedMNIST .npz");
    return std::make_shared<NpzDataset>(spec, split.empty() ? "train" : split);
  }
  throw DataError(spec, "cannot tell what kind of data set this is (expected a .csv manifest, "
                        "a dataset.json, a MedMNIST .npz, a WFDB record .hea, a VOC folder or "
                        "a class folder)");
}

}  // namespace medcnn
