// `medcnn inspect PATH`: facts about an image, a DICOM series, a data set or a folder.
//
//   image file      format, size, channels, pixel type, spacing, origin,
//                   direction, intensity statistics; DICOM identifiers
//   DICOM folder    each series: uid, modality, slices, and the image facts
//   .npz            arrays (key, shape, dtype); MedMNIST label counts
//   data set        (.csv manifest, dataset.json, VOC root): cases, classes,
//                   label counts, boxes per class; --check reads every case
//   other folder    files grouped by sub-folder and format, with the facts of
//                   the first image of each group
// --json prints the same facts as one JSON document.
#include <torch/torch.h>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/dicom.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/npz.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace medcnn::cli {
namespace {

struct InspectArgs {
  std::string path, split;
  bool as_json = false, check = false;
  int max_series = 20;
};

json image_facts(const Image& im) {
  json j;
  auto sz = im.size();
  j["dims"] = im.dims();
  j["size"] = std::vector<int64_t>(sz.begin(), sz.begin() + im.dims());
  j["channels"] = im.channels();
  j["pixel_type"] = pixel_type_name(im.pixel_type);
  const Geometry& g = im.geometry;
  j["spacing"] = std::vector<double>(g.spacing.begin(), g.spacing.begin() + im.dims());
  j["origin"] = std::vector<double>(g.origin.begin(), g.origin.begin() + im.dims());
  std::vector<double> dir;
  for (int r = 0; r < im.dims(); ++r)
    for (int c = 0; c < im.dims(); ++c) dir.push_back(g.dir(r, c));
  j["direction"] = dir;
  auto v = im.data.to(torch::kDouble);
  j["min"] = v.min().item<double>();
  j["max"] = v.max().item<double>();
  j["mean"] = v.mean().item<double>();
  j["std"] = v.numel() > 1 ? v.std().item<double>() : 0.0;
  if (!im.modality.empty()) j["modality"] = im.modality;
  if (!im.meta.empty()) j["meta"] = im.meta;
  return j;
}

json file_facts(const std::string& path) {
  json j = image_facts(read_image(path));
  j["kind"] = "image";
  j["path"] = path;
  j["format"] = format_name(detect_format(path));
  return j;
}

json npz_facts(const std::string& path) {
  json j{{"kind", "npz"}, {"path", path}};
  json arrays = json::object();
  for (const auto& key : npz_keys(path)) {
    auto t = read_npz_array(path, key);
    arrays[key] = {{"shape", t.sizes().vec()}, {"dtype", std::string(c10::toString(t.scalar_type()))}};
    if (key.size() > 7 && key.substr(key.size() - 7) == "_labels") {
      auto flat = t.reshape({-1}).to(torch::kLong);
      json counts = json::object();
      auto uniq = std::get<0>(torch::_unique(flat, true, false));
      for (int64_t i = 0; i < uniq.size(0); ++i) {
        int64_t v = uniq[i].item<int64_t>();
        counts[std::to_string(v)] = flat.eq(v).sum().item<int64_t>();
      }
      arrays[key]["label_counts"] = counts;
    }
  }
  j["arrays"] = arrays;
  return j;
}

json dataset_facts(const std::string& path, const InspectArgs& args) {
  DatasetPtr ds = open_dataset(path, args.split);
  json j{{"kind", "dataset"}, {"path", path}, {"description", ds->describe()},
         {"cases", ds->size()}};
  auto names = ds->class_names();
  if (!names.empty()) j["classes"] = names;
  json counts = json::object();
  for (int64_t l : ds->labels())
    if (l >= 0) counts[std::to_string(l)] = counts.value(std::to_string(l), 0) + 1;
  if (!counts.empty()) j["label_counts"] = counts;
  if (ds->size() == 0) return j;
  if (args.check) {
    Progress bar("checking " + path, static_cast<int64_t>(ds->size()), "cases");
    json boxes = json::object();
    int64_t masks = 0;
    for (size_t i = 0; i < ds->size(); ++i) {
      Sample s = ds->get(i);  // throws naming the file on any problem
      if (s.mask) ++masks;
      for (const auto& b : s.boxes) {
        std::string k = b.class_name.empty() ? std::to_string(b.label) : b.class_name;
        boxes[k] = boxes.value(k, 0) + 1;
      }
      bar.advance();
    }
    bar.finish();
    j["checked"] = true;
    j["cases_with_mask"] = masks;
    if (!boxes.empty()) j["boxes_per_class"] = boxes;
  }
  Sample first = ds->get(0);
  j["first_case"] = image_facts(first.image);
  j["first_case"]["id"] = first.id;
  return j;
}

json dicom_folder_facts(const std::string& path, const InspectArgs& args) {
  json j{{"kind", "dicom-folder"}, {"path", path}};
  json series = json::array();
  int n = 0;
  for (const auto& info : list_dicom_series(path)) {
    if (n++ >= args.max_series) break;
    json s{{"uid", info.uid}, {"description", info.description}, {"modality", info.modality},
           {"slices", info.files.size()}};
    try {
      s["image"] = image_facts(read_dicom_series(path, info.uid));
    } catch (const Error& e) {
      s["error"] = e.what();
    }
    series.push_back(s);
  }
  j["series"] = series;
  return j;
}

bool is_dataset_spec(const fs::path& p) {
  std::string ext = file_extension(p.string());
  if (fs::is_regular_file(p)) return ext == ".csv" || p.filename() == "dataset.json";
  return fs::is_directory(p / "Annotations") || fs::exists(p / "dataset.json");
}

json folder_facts(const std::string& path) {
  json j{{"kind", "folder"}, {"path", path}};
  // Group files by (sub-folder, format).
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
  std::map<std::string, bool> dicom_dirs;
  int64_t files = 0;
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    if (++files > 100000) break;
    std::string file = it->path().string();
    ImageFormat f = ImageFormat::Unknown;
    try {
      f = detect_format(file);
    } catch (const Error&) {
    }
    std::string folder = fs::relative(it->path().parent_path(), path).string();
    std::string fmt = f == ImageFormat::Unknown ? "other" : format_name(f);
    if (f == ImageFormat::Dicom) dicom_dirs[it->path().parent_path().string()] = true;
    groups[{folder, fmt}].push_back(file);
  }
  if (files == 0) throw DataError(path, "folder is empty: no files to inspect");
  j["files"] = files;
  // Data sets inside (a VOC root, a dataset.json), up to two levels down.
  json datasets = json::array();
  InspectArgs plain;
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it.depth() > 1) it.disable_recursion_pending();
    if (!it->is_directory() || !is_dataset_spec(it->path())) continue;
    try {
      datasets.push_back(dataset_facts(it->path().string(), plain));
    } catch (const Error& e) {
      datasets.push_back({{"path", it->path().string()}, {"error", e.what()}});
    }
  }
  if (!datasets.empty()) j["datasets"] = datasets;
  json out = json::array();
  for (auto& [key, list] : groups) {
    std::sort(list.begin(), list.end());
    json g{{"folder", key.first}, {"format", key.second}, {"count", list.size()}};
    if (key.second != "other") {
      g["first"] = fs::relative(list.front(), path).string();
      try {
        if (key.second == format_name(ImageFormat::Npz)) g["facts"] = npz_facts(list.front());
        else g["facts"] = image_facts(read_image(list.front()));
      } catch (const Error& e) {
        g["error"] = e.what();
      }
    } else {
      std::vector<std::string> names;
      for (size_t i = 0; i < list.size() && i < 5; ++i)
        names.push_back(fs::path(list[i]).filename().string());
      g["examples"] = names;
    }
    out.push_back(g);
  }
  j["groups"] = out;
  return j;
}

// ---- text rendering -------------------------------------------------------
std::string fmt_list(const json& a) {
  std::ostringstream s;
  s << "(";
  for (size_t i = 0; i < a.size(); ++i) {
    if (i) s << ", ";
    if (a[i].is_number_float()) s << std::setprecision(6) << a[i].get<double>();
    else s << a[i].dump();
  }
  return s.str() + ")";
}

void print_image(const json& f, const std::string& indent) {
  std::cout << indent << "size " << fmt_list(f["size"]) << ", " << f["channels"] << " channel(s), "
            << f["pixel_type"].get<std::string>() << "\n";
  std::cout << indent << "spacing " << fmt_list(f["spacing"]) << "  origin " << fmt_list(f["origin"])
            << "\n";
  std::cout << indent << "direction " << fmt_list(f["direction"]) << "\n";
  std::cout << indent << std::setprecision(6) << "intensity min " << f["min"].get<double>()
            << " max " << f["max"].get<double>() << " mean " << f["mean"].get<double>() << " sd "
            << f["std"].get<double>() << "\n";
  if (f.contains("modality")) std::cout << indent << "modality " << f["modality"].get<std::string>() << "\n";
  if (f.contains("meta"))
    for (auto& [k, v] : f["meta"].items()) std::cout << indent << k << " " << v.get<std::string>() << "\n";
}

void print_text(const json& j) {
  const std::string kind = j["kind"];
  std::cout << j["path"].get<std::string>() << ": " << kind << "\n";
  if (kind == "image") {
    std::cout << "  format " << j["format"].get<std::string>() << ", " << j["dims"] << "-D\n";
    print_image(j, "  ");
  } else if (kind == "npz") {
    for (auto& [k, a] : j["arrays"].items()) {
      std::cout << "  " << k << " " << fmt_list(a["shape"]) << " " << a["dtype"].get<std::string>();
      if (a.contains("label_counts")) std::cout << " labels " << a["label_counts"].dump();
      std::cout << "\n";
    }
  } else if (kind == "dataset") {
    std::cout << "  " << j["description"].get<std::string>() << "\n  cases " << j["cases"] << "\n";
    if (j.contains("classes")) std::cout << "  classes " << j["classes"].dump() << "\n";
    if (j.contains("label_counts")) std::cout << "  label counts " << j["label_counts"].dump() << "\n";
    if (j.contains("boxes_per_class")) std::cout << "  boxes per class " << j["boxes_per_class"].dump() << "\n";
    if (j.contains("cases_with_mask")) std::cout << "  cases with a mask " << j["cases_with_mask"] << "\n";
    if (j.contains("first_case")) {
      std::cout << "  first case " << j["first_case"]["id"].get<std::string>() << ":\n";
      print_image(j["first_case"], "    ");
    }
  } else if (kind == "dicom-folder") {
    for (const auto& s : j["series"]) {
      std::cout << "  series " << s["uid"].get<std::string>() << " (" << s["modality"].get<std::string>()
                << ", " << s["slices"] << " slice(s)) " << s["description"].get<std::string>() << "\n";
      if (s.contains("image")) print_image(s["image"], "    ");
      if (s.contains("error")) std::cout << "    error: " << s["error"].get<std::string>() << "\n";
    }
  } else {
    std::cout << "  " << j["files"] << " files\n";
    if (j.contains("datasets"))
      for (const auto& d : j["datasets"]) {
        if (d.contains("error")) {
          std::cout << "  data set " << d["path"].get<std::string>() << ": " << d["error"].get<std::string>() << "\n";
          continue;
        }
        std::cout << "  data set " << d["path"].get<std::string>() << ": " << d["description"].get<std::string>()
                  << ", " << d["cases"] << " cases";
        if (d.contains("classes")) std::cout << ", classes " << d["classes"].dump();
        if (d.contains("label_counts")) std::cout << ", label counts " << d["label_counts"].dump();
        std::cout << "\n";
      }
    for (const auto& g : j["groups"]) {
      std::cout << "  " << g["folder"].get<std::string>() << "/  " << g["count"] << " x "
                << g["format"].get<std::string>();
      if (g.contains("examples")) std::cout << "  e.g. " << g["examples"].dump();
      std::cout << "\n";
      if (g.contains("facts")) {
        const json& f = g["facts"];
        if (f.contains("kind") && f["kind"] == "npz") {
          for (auto& [k, a] : f["arrays"].items())
            std::cout << "      " << k << " " << fmt_list(a["shape"]) << "\n";
        } else {
          std::cout << "    first: " << g["first"].get<std::string>() << "\n";
          print_image(f, "      ");
        }
      }
      if (g.contains("error")) std::cout << "    error: " << g["error"].get<std::string>() << "\n";
    }
  }
}

void run(const InspectArgs& args) {
  fs::path p(args.path);
  std::error_code ec;
  if (!fs::exists(p, ec)) throw IoError(args.path, "no such file or folder");
  json j;
  if (is_dataset_spec(p) || (!args.split.empty() && file_extension(args.path) == ".npz")) {
    j = dataset_facts(args.path, args);
  } else if (fs::is_directory(p)) {
    bool has_dicom = false, has_files = false;
    for (const auto& e : fs::directory_iterator(p)) {
      if (!e.is_regular_file()) continue;
      has_files = true;
      if (is_dicom_file(e.path().string())) {
        has_dicom = true;
        break;
      }
    }
    if (has_dicom) j = dicom_folder_facts(args.path, args);
    else if (!has_files && fs::is_empty(p)) throw DataError(args.path, "folder is empty: no files to inspect");
    else j = folder_facts(args.path);
  } else if (file_extension(args.path) == ".npz") {
    j = npz_facts(args.path);
  } else {
    j = file_facts(args.path);
  }
  if (args.as_json) std::cout << j.dump(2) << "\n";
  else print_text(j);
}

void setup(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Print facts about an image file, a DICOM series folder, an .npz, a data set (CSV\n"
      "manifest, dataset.json, VOC folder) or any folder of images");
  cmd->add_option("path", args->path, "file or folder")->required();
  cmd->add_flag("--json", args->as_json, "print one JSON document");
  cmd->add_flag("--check", args->check, "data sets: read every case and check it");
  cmd->add_option("--split", args->split, "data sets: split to open (train, val, test, trainval)");
  cmd->callback([args] { run(*args); });
}

}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(inspect, medcnn::cli::setup);
