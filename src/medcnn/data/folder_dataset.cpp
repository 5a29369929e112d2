// FolderDataset: root/<class name>/<image files>. See sources.h.
#include <algorithm>
#include <filesystem>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {
bool is_image_file(const fs::path& p) {
  static const std::vector<std::string> exts = {
      ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".nii", ".nii.gz",
      ".nrrd", ".nhdr", ".mha", ".mhd", ".dcm"};
  const std::string e = file_extension(p.string());
  return std::find(exts.begin(), exts.end(), e) != exts.end();
}

}  // namespace

FolderDataset::FolderDataset(const std::string& root) : root_(root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw IoError(root, fs::exists(root, ec) ? "not a folder" : "folder not found");
  std::vector<std::string> class_dirs;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) class_dirs.push_back(e.path().filename().string());
  std::sort(class_dirs.begin(), class_dirs.end());
  for (const auto& cls : class_dirs) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(fs::path(root) / cls))
      if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path().string());
    if (files.empty()) continue;  // a folder without images is no class
    std::sort(files.begin(), files.end());
    const int64_t label = static_cast<int64_t>(classes_.size());
    classes_.push_back(cls);
    for (auto& f : files) {
      files_.push_back(std::move(f));
      labels_.push_back(label);
    }
  }
  if (files_.empty())
    throw DataError(root, "no images found (expected " + root +
                              "/<class name>/<image files> such as .png, .jpg, .tif, .nii.gz, "
                              ".nrrd, .mha, .dcm)");
}

Sample FolderDataset::get(size_t index) const {
  if (index >= files_.size())
    throw DataError(root_, "index " + std::to_string(index) + " out of range (" +
                               std::to_string(files_.size()) + " images)");
  Sample s;
  const std::string& f = files_[index];
  s.image = read_image(f);
  s.label = labels_[index];
  s.id = classes_[labels_[index]] + "/" + case_id(f);
  s.meta["image_path"] = f;
  s.meta["class_name"] = classes_[labels_[index]];
  return s;
}

std::string FolderDataset::describe() const {
  return "class folders " + root_ + " (" + std::to_string(files_.size()) + " images, " +
         std::to_string(classes_.size()) + " classes)";
}

}  // namespace medcnn
