// EcgBeatDataset: beats cut from WFDB records. See ecg_beat_dataset.h.
#include "medcnn/data/ecg_beat_dataset.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/wfdb.h"
#include "medcnn/io/wfdb_annotations.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) out.push_back(part);
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

std::map<std::string, std::string> aami_class_map() {
  return {{"N", "N"}, {"L", "N"}, {"R", "N"}, {"e", "N"}, {"j", "N"},
          {"A", "S"}, {"a", "S"}, {"J", "S"}, {"S", "S"},
          {"V", "V"}, {"E", "V"},
          {"F", "F"},
          {"/", "Q"}, {"f", "Q"}, {"Q", "Q"}};
}

EcgBeatOptions EcgBeatOptions::from_json(const nlohmann::json& j, const std::string& where) {
  EcgBeatOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) throw ConfigError(where, "ECG beat options must be a table");
  const std::string allowed = "window, before, leads, class_map, classes, annotator";
  auto integer = [&](const std::string& key, const nlohmann::json& v) {
    if (!v.is_number_integer()) throw ConfigError(where + "." + key, "must be an integer");
    return v.get<int64_t>();
  };
  auto text = [&](const std::string& key, const nlohmann::json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    throw ConfigError(where + "." + key, "must be a string (or an index)");
  };
  for (const auto& [key, v] : j.items()) {
    if (key == "window") {
      o.window = integer(key, v);
    } else if (key == "before") {
      o.before = integer(key, v);
    } else if (key == "leads") {
      if (v.is_array())
        for (const auto& e : v) o.leads.push_back(text(key, e));
      else
        o.leads.push_back(text(key, v));
    } else if (key == "class_map") {
      if (!v.is_object())
        throw ConfigError(where + "." + key, "must be a table of beat symbol = class name");
      for (const auto& [sym, cls] : v.items()) {
        if (!cls.is_string())
          throw ConfigError(where + "." + key + "." + sym, "class name must be a string");
        o.class_map[sym] = cls.get<std::string>();
      }
    } else if (key == "classes") {
      if (!v.is_array()) throw ConfigError(where + "." + key, "must be an array of class names");
      for (const auto& e : v) {
        if (!e.is_string()) throw ConfigError(where + "." + key, "class names must be strings");
        o.classes.push_back(e.get<std::string>());
      }
    } else if (key == "annotator") {
      o.annotator = text(key, v);
    } else {
      throw ConfigError(where + "." + key, "unknown option for an ECG beat data set (allowed: " +
                                               allowed + ")");
    }
  }
  return o;
}

EcgBeatDataset::EcgBeatDataset(std::vector<std::string> headers, EcgBeatOptions o) {
  if (headers.empty()) throw DataError("ECG beats", "no WFDB record given");
  window_ = o.window;
  if (window_ < 1)
    throw ConfigError("window", "must be at least 1 sample, got " + std::to_string(window_));
  before_ = o.before < 0 ? window_ / 2 : o.before;
  if (before_ >= window_)
    throw ConfigError("before", "must lie in [0, window) = [0, " + std::to_string(window_) +
                                    "), got " + std::to_string(before_));
  const std::map<std::string, std::string> class_map =
      o.class_map.empty() ? aami_class_map() : o.class_map;

  // Class order: given, or the AAMI order / sorted custom names (empty ones
  // dropped below).
  const bool fixed_classes = !o.classes.empty();
  std::vector<std::string> order = o.classes;
  if (!fixed_classes) {
    if (o.class_map.empty()) {
      order = {"N", "S", "V", "F", "Q"};
    } else {
      std::set<std::string> names;
      for (const auto& [sym, cls] : class_map) names.insert(cls);
      order.assign(names.begin(), names.end());
    }
  }
  std::map<std::string, int64_t> index_of;
  for (size_t i = 0; i < order.size(); ++i) index_of[order[i]] = static_cast<int64_t>(i);
  for (const auto& [sym, cls] : class_map)
    if (!index_of.count(cls))
      throw DataError("classes", "class_map sends '" + sym + "' to '" + cls +
                                     "', which is not among the classes (" + join(order) + ")");

  for (const std::string& hea : headers) {
    Image im = read_wfdb(hea);
    fs::path hea_path(im.source);
    Record rec;
    rec.name = hea_path.stem().string();
    rec.header = hea_path.string();
    const double fs = std::stod(im.meta.at("fs"));
    if (records_.empty()) {
      fs_ = fs;
    } else if (std::abs(fs - fs_) > 1e-9 * fs_) {
      throw DataError(rec.header, "sampling frequency " + im.meta.at("fs") + " Hz differs from " +
                                      std::to_string(fs_) + " Hz of " + records_[0].header +
                                      " (beat windows are counted in samples)");
    }
    const std::vector<std::string> names = split_commas(im.meta.at("leads"));
    std::vector<int64_t> picks;
    if (o.leads.empty()) picks.push_back(0);
    for (const std::string& lead : o.leads) {
      auto it = std::find(names.begin(), names.end(), lead);
      if (it != names.end()) {
        picks.push_back(it - names.begin());
      } else if (all_digits(lead) && std::stoll(lead) < im.channels()) {
        picks.push_back(std::stoll(lead));
      } else {
        throw DataError(rec.header, "no lead '" + lead + "' (the record has " +
                                        std::to_string(im.channels()) + ": " + join(names) + ")");
      }
    }
    std::vector<std::string> picked;
    for (int64_t p : picks)
      picked.push_back(p < static_cast<int64_t>(names.size()) ? names[p] : std::to_string(p));
    rec.leads = join(picked, ",");
    rec.signal = im.data.index_select(0, torch::tensor(picks, torch::kLong)).contiguous();
    const int64_t nsamp = rec.signal.size(1);

    const fs::path atr = fs::path(hea_path).replace_extension("." + o.annotator);
    std::error_code ec;
    if (!fs::exists(atr, ec))
      throw IoError(atr.string(), "no such file (beat annotations of record " + rec.header + ")");
    const auto anns = read_wfdb_annotations(atr.string());
    for (size_t k = 0; k < anns.size(); ++k) {
      const WfdbAnnotation& a = anns[k];
      auto cls = class_map.find(a.symbol);
      if (cls == class_map.end()) continue;  // not a beat
      const int64_t start = a.sample - before_;
      if (start < 0 || start + window_ > nsamp) continue;  // window off the record
      Beat b;
      b.record = records_.size();
      b.sample = a.sample;
      b.annotation = static_cast<int64_t>(k);
      b.symbol = a.symbol;
      b.label = index_of.at(cls->second);
      beats_.push_back(std::move(b));
    }
    records_.push_back(std::move(rec));
  }
  if (beats_.empty())
    throw DataError(records_[0].header, "no beat annotation with a full window of " +
                                            std::to_string(window_) + " samples in " +
                                            std::to_string(records_.size()) + " record(s)");

  if (fixed_classes) {
    classes_ = order;
  } else {  // drop classes without a beat, renumber
    std::vector<int64_t> count(order.size(), 0), remap(order.size(), -1);
    for (const Beat& b : beats_) ++count[b.label];
    for (size_t i = 0; i < order.size(); ++i)
      if (count[i] > 0) {
        remap[i] = static_cast<int64_t>(classes_.size());
        classes_.push_back(order[i]);
      }
    for (Beat& b : beats_) b.label = remap[b.label];
  }
}

std::vector<int64_t> EcgBeatDataset::labels() const {
  std::vector<int64_t> out;
  out.reserve(beats_.size());
  for (const Beat& b : beats_) out.push_back(b.label);
  return out;
}

Sample EcgBeatDataset::get(size_t index) const {
  if (index >= beats_.size())
    throw DataError(describe(), "index " + std::to_string(index) + " out of range (" +
                                    std::to_string(beats_.size()) + " beats)");
  const Beat& b = beats_[index];
  const Record& rec = records_[b.record];
  const int64_t start = b.sample - before_;
  Geometry g = Geometry::identity(1);
  g.spacing[0] = 1.0 / fs_;
  g.origin[0] = static_cast<double>(start) / fs_;
  Image im(rec.signal.narrow(1, start, window_).clone(), g, PixelType::Float32);
  im.modality = "ECG";
  im.source = rec.header;
  im.meta["fs"] = std::to_string(fs_);
  im.meta["leads"] = rec.leads;
  Sample s;
  s.id = rec.name + ":beat" + std::to_string(b.annotation) + "@" + std::to_string(b.sample);
  s.image = std::move(im);
  s.label = b.label;
  s.meta["record"] = rec.name;
  s.meta["symbol"] = b.symbol;
  s.meta["sample"] = std::to_string(b.sample);
  s.meta["annotation"] = std::to_string(b.annotation);
  s.meta["leads"] = rec.leads;
  s.meta["fs"] = std::to_string(fs_);
  return s;
}

std::string EcgBeatDataset::describe() const {
  std::vector<int64_t> count(classes_.size(), 0);
  for (const Beat& b : beats_) ++count[b.label];
  std::string names;
  for (const Record& r : records_) names += (names.empty() ? "" : ", ") + r.name;
  std::string per_class;
  for (size_t i = 0; i < classes_.size(); ++i)
    per_class += (i ? ", " : "") + classes_[i] + " " + std::to_string(count[i]);
  return "ECG beats of " + std::to_string(records_.size()) + " WFDB record(s) (" + names + "): " +
         std::to_string(beats_.size()) + " beats (" + per_class + "), window " +
         std::to_string(window_) + " samples";
}

}  // namespace medcnn
