// VocDataset: Pascal VOC folders. See sources.h.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "medcnn/core/error.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/boxes.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

VocDataset::VocDataset(const std::string& root, const std::string& split,
                       std::vector<std::string> classes)
    : root_(root), split_(split), classes_(std::move(classes)) {
  std::error_code ec;
  const fs::path r(root), ann = r / "Annotations", jpg = r / "JPEGImages";
  if (!fs::is_directory(r, ec)) throw IoError(root, "folder not found");
  if (!fs::is_directory(ann, ec))
    throw DataError(root, "no Annotations folder (expected a Pascal VOC layout: Annotations/, "
                          "JPEGImages/, ImageSets/Main/)");
  if (split.empty()) {
    for (const auto& e : fs::directory_iterator(ann))
      if (e.is_regular_file() && e.path().extension() == ".xml")
        ids_.push_back(e.path().stem().string());
    std::sort(ids_.begin(), ids_.end());
  } else {
    const fs::path list = r / "ImageSets" / "Main" / (split + ".txt");
    std::ifstream in(list);
    if (!in) {
      std::string have;
      if (fs::is_directory(r / "ImageSets" / "Main", ec))
        for (const auto& e : fs::directory_iterator(r / "ImageSets" / "Main"))
          if (e.path().extension() == ".txt")
            have += (have.empty() ? "" : ", ") + e.path().stem().string();
      throw DataError(list.string(), "split list not found (splits present: " +
                                         (have.empty() ? "none" : have) + ")");
    }
    std::string line;
    while (std::getline(in, line)) {
      // A line may carry a second column (per-class lists): keep the id.
      auto a = line.find_first_not_of(" \t\r");
      if (a == std::string::npos) continue;
      auto b = line.find_first_of(" \t\r", a);
      ids_.push_back(line.substr(a, b == std::string::npos ? std::string::npos : b - a));
    }
  }
  if (ids_.empty()) throw DataError(root, "no annotations found for split '" + split + "'");

  std::set<std::string> found;
  for (const auto& id : ids_) {
    const fs::path xml = ann / (id + ".xml");
    if (!fs::exists(xml, ec))
      throw DataError(root, "annotation " + xml.string() + " not found (listed in split '" +
                                split + "')");
    VocAnnotation a = read_voc(xml.string());
    fs::path image = jpg / a.filename;
    if (a.filename.empty() || !fs::exists(image, ec)) image = jpg / (id + ".jpg");
    if (!fs::exists(image, ec))
      throw DataError(xml.string(), "image for '" + id + "' not found (looked for " +
                                        (jpg / a.filename).string() + " and " + image.string() +
                                        ")");
    for (const Box& b : a.boxes) found.insert(b.class_name);
    images_.push_back(image.string());
    boxes_.push_back(std::move(a.boxes));
  }
  if (classes_.empty()) classes_.assign(found.begin(), found.end());
  for (auto& list : boxes_) {
    std::vector<Box> kept;
    for (Box& b : list) {
      auto it = std::find(classes_.begin(), classes_.end(), b.class_name);
      if (it == classes_.end()) continue;
      b.label = static_cast<int>(it - classes_.begin());
      kept.push_back(b);
    }
    list = std::move(kept);
  }
}

Sample VocDataset::get(size_t index) const {
  if (index >= ids_.size())
    throw DataError(root_, "index " + std::to_string(index) + " out of range (" +
                               std::to_string(ids_.size()) + " images)");
  Sample s;
  s.id = ids_[index];
  s.image = read_image(images_[index]);
  s.boxes = boxes_[index];
  s.meta["image_path"] = images_[index];
  return s;
}

std::string VocDataset::describe() const {
  return "VOC " + root_ + (split_.empty() ? "" : " split " + split_) + " (" +
         std::to_string(ids_.size()) + " images, " + std::to_string(classes_.size()) +
         " classes)";
}

}  // namespace medcnn
