// DecathlonDataset: MSD / nnU-Net v1 dataset.json, or nnU-Net v2 layout. See sources.h.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {


bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

DecathlonDataset::DecathlonDataset(const std::string& json_path, const std::string& section)
    : path_(json_path) {
  std::ifstream in(json_path);
  if (!in) throw IoError(json_path, "cannot open dataset.json");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw FormatError(json_path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw FormatError(json_path, "expected a JSON object");
  const fs::path base = fs::path(json_path).parent_path();
  const std::string sec = section.empty() ? "training" : section;

  // Label names: v1 {"0": "background"}, v2 {"background": 0}.
  if (j.contains("labels") && j["labels"].is_object()) {
    std::map<int64_t, std::string> by_index;
    for (const auto& [k, v] : j["labels"].items()) {
      try {
        if (v.is_string()) by_index[std::stoll(k)] = v.get<std::string>();
        else if (v.is_number_integer()) by_index[v.get<int64_t>()] = k;
        else if (v.is_array() && !v.empty() && v[0].is_number_integer())
          by_index[v[0].get<int64_t>()] = k;  // v2 region: first label
      } catch (const std::exception&) {
        throw FormatError(json_path, "labels: cannot read entry '" + k + "'");
      }
    }
    for (const auto& [i, name] : by_index) {
      if (i < 0) continue;
      if (label_names_.size() <= static_cast<size_t>(i)) label_names_.resize(i + 1);
      label_names_[i] = name;
    }
  }

  auto require = [&](const std::string& what, const std::string& raw, const std::string& p) {
    std::error_code ec;
    if (!fs::exists(p, ec))
      throw DataError(json_path, what + ": file '" + raw + "' not found (looked for " + p + ")");
  };

  if (j.contains(sec) && j[sec].is_array()) {
    size_t i = 0;
    for (const auto& e : j[sec]) {
      const std::string where = sec + "[" + std::to_string(i++) + "]";
      std::string image, label;
      if (e.is_string()) {
        image = e.get<std::string>();
      } else if (e.is_object() && e.contains("image") && e["image"].is_string()) {
        image = e["image"].get<std::string>();
        if (e.contains("label") && e["label"].is_string()) label = e["label"].get<std::string>();
      } else {
        throw FormatError(json_path, where + ": expected a path or {\"image\": ..., \"label\": ...}");
      }
      const std::string ip = resolve_path(base, image);
      require(where + " image", image, ip);
      std::string lp;
      if (!label.empty()) {
        lp = resolve_path(base, label);
        require(where + " label", label, lp);
      }
      cases_.emplace_back(ip, lp);
    }
  } else if (j.contains("file_ending") && j["file_ending"].is_string()) {
    // nnU-Net v2: imagesTr/<case>_0000<ending>, labelsTr/<case><ending>.
    const std::string ending = j["file_ending"].get<std::string>();
    const bool test = sec == "test";
    const fs::path images = base / (test ? "imagesTs" : "imagesTr");
    std::error_code ec;
    if (!fs::is_directory(images, ec))
      throw DataError(json_path, "no '" + sec + "' list and no folder " + images.string());
    std::vector<std::string> ids;
    for (const auto& f : fs::directory_iterator(images)) {
      const std::string name = f.path().filename().string();
      if (ends_with(name, "_0000" + ending)) ids.push_back(name.substr(0, name.size() - 5 - ending.size()));
    }
    std::sort(ids.begin(), ids.end());
    for (const auto& id : ids) {
      std::string lp;
      if (!test) {
        lp = (base / "labelsTr" / (id + ending)).string();
        require("case " + id + " label", "labelsTr/" + id + ending, lp);
      }
      cases_.emplace_back((images / (id + "_0000" + ending)).string(), lp);
    }
  } else {
    std::string keys;
    for (const auto& [k, v] : j.items())
      if (v.is_array()) keys += (keys.empty() ? "" : ", ") + k;
    throw DataError(json_path, "no list '" + sec + "' (lists present: " +
                                   (keys.empty() ? "none" : keys) + ")");
  }
  if (cases_.empty()) throw DataError(json_path, "section '" + sec + "' lists no cases");
}

Sample DecathlonDataset::get(size_t index) const {
  if (index >= cases_.size())
    throw DataError(path_, "index " + std::to_string(index) + " out of range (" +
                               std::to_string(cases_.size()) + " cases)");
  const auto& [image, label] = cases_[index];
  Sample s;
  s.id = case_id(image);
  s.image = read_image(image);
  // nnU-Net v2 keeps further channels as <case>_0001<ending>, ...
  const std::string ext = file_extension(image);
  const std::string marker = "_0000" + ext;
  if (ends_with(image, marker)) {
    const std::string prefix = image.substr(0, image.size() - marker.size());
    s.id = fs::path(prefix).filename().string();
    std::vector<at::Tensor> channels{s.image.data};
    for (int c = 1;; ++c) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "_%04d", c);
      const std::string p = prefix + buf + ext;
      std::error_code ec;
      if (!fs::exists(p, ec)) break;
      Image more = read_image(p);
      check_same_grid(s.image, more, p);
      channels.push_back(more.data.to(s.image.data.scalar_type()));
    }
    if (channels.size() > 1) s.image = s.image.with_data(torch::cat(channels, 0), s.image.pixel_type);
  }
  s.meta["image_path"] = image;
  if (!label.empty()) {
    s.mask = read_mask(label);
    check_same_grid(s.image, *s.mask, label);
    s.meta["mask_path"] = label;
  }
  return s;
}

std::string DecathlonDataset::describe() const {
  return "dataset.json " + path_ + " (" + std::to_string(cases_.size()) + " cases)";
}

}  // namespace medcnn
