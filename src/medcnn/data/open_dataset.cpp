// open_dataset: picks the source class from what the path is. See sources.h.
#include <filesystem>

#include "medcnn/core/error.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

DatasetPtr open_dataset(const std::string& spec, const std::string& split) {
  std::error_code ec;
  if (spec.empty()) throw ConfigError("data", "no data set given");
  if (!fs::exists(spec, ec)) throw IoError(spec, "data set not found");
  if (fs::is_directory(spec, ec)) {
    if (fs::is_directory(fs::path(spec) / "Annotations", ec))
      return std::make_shared<VocDataset>(spec, split);
    if (fs::exists(fs::path(spec) / "dataset.json", ec))
      return std::make_shared<DecathlonDataset>((fs::path(spec) / "dataset.json").string(),
                                                split.empty() ? "training" : split);
    return std::make_shared<FolderDataset>(spec);
  }
  const std::string ext = file_extension(spec);
  if (ext == ".csv") return std::make_shared<CsvDataset>(spec);
  if (ext == ".json")
    return std::make_shared<DecathlonDataset>(spec, split.empty() ? "training" : split);
  if (ext == ".npz") return std::make_shared<NpzDataset>(spec, split.empty() ? "train" : split);
  throw DataError(spec, "cannot tell what kind of data set this is (expected a .csv manifest, "
                        "a dataset.json, a MedMNIST .npz, a VOC folder or a class folder)");
}

}  // namespace medcnn
