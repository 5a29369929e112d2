#include "medcnn/io/box_files.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"

namespace medcnn {
namespace {

using nlohmann::json;


std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ---- COCO reading helpers ---------------------------------------------------

struct Entry {
  const std::string& path;
  std::string name;  // "annotations[3]"
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(path, name + ": " + what);
  }
};

const json& member(const Entry& e, const json& obj, const char* key) {
  if (!obj.is_object()) e.fail("is not a JSON object");
  auto it = obj.find(key);
  if (it == obj.end()) e.fail(std::string("has no \"") + key + "\"");
  return *it;
}

int64_t integer_member(const Entry& e, const json& obj, const char* key) {
  const json& v = member(e, obj, key);
  if (!v.is_number_integer())
    e.fail(std::string("\"") + key + "\" is not an integer (" + v.dump() + ")");
  return v.get<int64_t>();
}

// The bbox of an annotation or result as a Box (label and score not set).
Box coco_box(const Entry& e, const json& obj) {
  const json& bb = member(e, obj, "bbox");
  if (!bb.is_array() || (bb.size() != 4 && bb.size() != 6))
    e.fail("\"bbox\" is not [x, y, width, height] (or [x, y, z, width, height, depth]): " +
           bb.dump());
  Box b;
  b.dims = static_cast<int>(bb.size() / 2);
  for (int a = 0; a < 2 * b.dims; ++a) {
    const json& v = bb[static_cast<size_t>(a)];
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      e.fail("\"bbox\" holds a non-number: " + bb.dump());
  }
  for (int a = 0; a < b.dims; ++a) {
    const double x = bb[static_cast<size_t>(a)].get<double>();
    const double w = bb[static_cast<size_t>(a + b.dims)].get<double>();
    if (w < 0) {
      const char* what = a == 0 ? "width" : a == 1 ? "height" : "depth";
      e.fail(std::string("\"bbox\" has a negative ") + what + ": " + bb.dump());
    }
    b.lo[static_cast<size_t>(a)] = x;
    b.hi[static_cast<size_t>(a)] = x + w;
  }
  return b;
}

float score_member(const Entry& e, const json& obj, bool required) {
  if (!obj.contains("score")) {
    if (required) e.fail("has no \"score\"");
    return 1.0f;
  }
  const json& s = obj["score"];
  if (!s.is_number() || !std::isfinite(s.get<double>()))
    e.fail("\"score\" is not a number: " + s.dump());
  return static_cast<float>(s.get<double>());
}

json parse_json(const std::string& path) {
  const std::string text = read_file(path);
  try {
    return json::parse(text);
  } catch (const json::exception& ex) {
    throw FormatError(path, std::string("not valid JSON: ") + ex.what());
  }
}

std::vector<int64_t> ids_or_default(const std::vector<int64_t>& ids, size_t n) {
  if (!ids.empty()) return ids;
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(i) + 1;
  return out;
}

// ---- writing helpers ----------------------------------------------------------

// Checks that annotations are consistent; returns the boxes' dims (2 if none).
int check_for_writing(const std::string& path, const BoxAnnotations& a) {
  auto fail = [&](const std::string& what) { throw DataError(path, what); };
  const size_t n = a.images.size();
  if (a.boxes.size() != n)
    fail("annotations hold " + std::to_string(n) + " images but " + std::to_string(a.boxes.size()) +
         " box lists");
  if (!a.sizes.empty() && a.sizes.size() != n)
    fail("annotations hold " + std::to_string(n) + " images but " + std::to_string(a.sizes.size()) +
         " sizes");
  if (!a.image_ids.empty() && a.image_ids.size() != n)
    fail("annotations hold " + std::to_string(n) + " images but " +
         std::to_string(a.image_ids.size()) + " image ids");
  if (!a.category_ids.empty() && a.category_ids.size() != a.class_names.size())
    fail("annotations hold " + std::to_string(a.class_names.size()) + " classes but " +
         std::to_string(a.category_ids.size()) + " category ids");
  for (const auto* ids : {&a.image_ids, &a.category_ids})
    if (std::set<int64_t>(ids->begin(), ids->end()).size() != ids->size())
      fail(std::string("duplicate ") + (ids == &a.image_ids ? "image" : "category") + " ids");
  int dims = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < a.boxes[i].size(); ++k) {
      const Box& b = a.boxes[i][k];
      const std::string at = "image '" + a.images[i] + "' box " + std::to_string(k) + ": ";
      if (b.dims != 2 && b.dims != 3)
        fail(at + "dims must be 2 or 3, got " + std::to_string(b.dims));
      if (dims && b.dims != dims) fail(at + "2-D and 3-D boxes mixed");
      dims = b.dims;
      for (int ax = 0; ax < b.dims; ++ax) {
        if (!std::isfinite(b.lo[ax]) || !std::isfinite(b.hi[ax]))
          fail(at + "a coordinate is NaN or infinite");
        if (b.hi[ax] < b.lo[ax]) fail(at + "max < min on axis " + "xyz"[ax]);
      }
      if (!std::isfinite(b.score)) fail(at + "the score is NaN or infinite");
    }
  return dims ? dims : 2;
}

// The class index of a box: its label, or its class_name among class_names.
size_t class_of(const std::string& path, const BoxAnnotations& a, size_t i, size_t k) {
  const Box& b = a.boxes[i][k];
  const std::string at = "image '" + a.images[i] + "' box " + std::to_string(k) + ": ";
  if (b.label >= 0) {
    if (static_cast<size_t>(b.label) >= a.class_names.size())
      throw DataError(path, at + "label " + std::to_string(b.label) + " but only " +
                                std::to_string(a.class_names.size()) + " class names");
    return static_cast<size_t>(b.label);
  }
  auto it = std::find(a.class_names.begin(), a.class_names.end(), b.class_name);
  if (b.class_name.empty() || it == a.class_names.end())
    throw DataError(path, at + "no label and class '" + b.class_name + "' is not in class_names");
  return static_cast<size_t>(it - a.class_names.begin());
}

}  // namespace

// ---- COCO ---------------------------------------------------------------------

BoxAnnotations read_coco_json(const std::string& path) {
  const json root = parse_json(path);
  if (root.is_array())
    throw FormatError(path, "is a COCO results list (no images or categories); read it with "
                            "read_coco_results(path, dataset)");
  if (!root.is_object()) throw FormatError(path, "not a COCO dataset (expected a JSON object)");
  BoxAnnotations out;
  auto array_of = [&](const char* key, bool required) -> const json* {
    auto it = root.find(key);
    if (it == root.end()) {
      if (required) throw FormatError(path, std::string("has no \"") + key + "\" list");
      return nullptr;
    }
    if (!it->is_array()) throw FormatError(path, std::string("\"") + key + "\" is not a list");
    return &*it;
  };

  std::map<int64_t, size_t> image_index;
  const json& images = *array_of("images", true);
  for (size_t i = 0; i < images.size(); ++i) {
    Entry e{path, "images[" + std::to_string(i) + "]"};
    const int64_t id = integer_member(e, images[i], "id");
    const json& name = member(e, images[i], "file_name");
    if (!name.is_string()) e.fail("\"file_name\" is not a string");
    if (!image_index.emplace(id, i).second) e.fail("duplicate image id " + std::to_string(id));
    int size[2] = {0, 0};
    const char* keys[2] = {"width", "height"};
    for (int k = 0; k < 2; ++k)
      if (images[i].contains(keys[k])) {
        const json& v = images[i][keys[k]];
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
          e.fail(std::string("\"") + keys[k] + "\" is not a non-negative integer: " + v.dump());
        size[k] = static_cast<int>(v.get<int64_t>());
      }
    out.images.push_back(name.get<std::string>());
    out.sizes.emplace_back(size[0], size[1]);
    out.image_ids.push_back(id);
    out.boxes.emplace_back();
  }

  std::map<int64_t, std::string> categories;
  if (const json* cats = array_of("categories", false))
    for (size_t j = 0; j < cats->size(); ++j) {
      Entry e{path, "categories[" + std::to_string(j) + "]"};
      const int64_t id = integer_member(e, (*cats)[j], "id");
      const json& name = member(e, (*cats)[j], "name");
      if (!name.is_string()) e.fail("\"name\" is not a string");
      if (!categories.emplace(id, name.get<std::string>()).second)
        e.fail("duplicate category id " + std::to_string(id));
    }
  std::map<int64_t, int> label_of;
  for (const auto& [id, name] : categories) {
    label_of[id] = static_cast<int>(out.class_names.size());
    out.class_names.push_back(name);
    out.category_ids.push_back(id);
  }

  if (const json* anns = array_of("annotations", false))
    for (size_t k = 0; k < anns->size(); ++k) {
      Entry e{path, "annotations[" + std::to_string(k) + "]"};
      const json& a = (*anns)[k];
      const int64_t image_id = integer_member(e, a, "image_id");
      const int64_t category_id = integer_member(e, a, "category_id");
      auto im = image_index.find(image_id);
      if (im == image_index.end()) e.fail("unknown image_id " + std::to_string(image_id));
      auto cat = label_of.find(category_id);
      if (cat == label_of.end()) e.fail("unknown category_id " + std::to_string(category_id));
      Box b = coco_box(e, a);
      b.label = cat->second;
      b.class_name = out.class_names[static_cast<size_t>(cat->second)];
      b.score = score_member(e, a, false);
      out.boxes[im->second].push_back(std::move(b));
    }
  return out;
}

BoxAnnotations read_coco_results(const std::string& path, const BoxAnnotations& dataset) {
  const json root = parse_json(path);
  if (!root.is_array())
    throw FormatError(path, "not a COCO results list (expected a JSON array of "
                            "{image_id, category_id, bbox, score})");
  BoxAnnotations out = dataset;
  out.boxes.assign(dataset.images.size(), {});
  const auto image_ids = ids_or_default(dataset.image_ids, dataset.images.size());
  const auto category_ids = ids_or_default(dataset.category_ids, dataset.class_names.size());
  std::map<int64_t, size_t> image_index, label_of;
  for (size_t i = 0; i < image_ids.size(); ++i) image_index[image_ids[i]] = i;
  for (size_t c = 0; c < category_ids.size(); ++c) label_of[category_ids[c]] = c;
  for (size_t k = 0; k < root.size(); ++k) {
    Entry e{path, "results[" + std::to_string(k) + "]"};
    const json& r = root[k];
    const int64_t image_id = integer_member(e, r, "image_id");
    const int64_t category_id = integer_member(e, r, "category_id");
    auto im = image_index.find(image_id);
    if (im == image_index.end()) e.fail("unknown image_id " + std::to_string(image_id));
    auto cat = label_of.find(category_id);
    if (cat == label_of.end()) e.fail("unknown category_id " + std::to_string(category_id));
    Box b = coco_box(e, r);
    b.label = static_cast<int>(cat->second);
    b.class_name = dataset.class_names[cat->second];
    b.score = score_member(e, r, true);
    out.boxes[im->second].push_back(std::move(b));
  }
  return out;
}

namespace {
// Extra column c of box k of image i; DataError when the extras do not fit the boxes.
double extra_value(const std::string& path, const BoxAnnotations& a, size_t i, size_t k, size_t c) {
  if (a.extras.size() != a.images.size() || a.extras[i].size() != a.boxes[i].size() ||
      a.extras[i][k].size() != a.extra_columns.size())
    throw DataError(path, "the extra columns do not match the boxes of image '" + a.images[i] + "'");
  return a.extras[i][k][c];
}
}  // namespace

void write_coco_json(const std::string& path, const BoxAnnotations& a, bool predictions) {
  check_for_writing(path, a);
  const auto image_ids = ids_or_default(a.image_ids, a.images.size());
  const auto category_ids = ids_or_default(a.category_ids, a.class_names.size());
  auto bbox = [](const Box& b) {
    json v = json::array();
    for (int ax = 0; ax < b.dims; ++ax) v.push_back(b.lo[static_cast<size_t>(ax)]);
    for (int ax = 0; ax < b.dims; ++ax) v.push_back(b.extent(ax));
    return v;
  };
  json anns = json::array();
  int64_t next_id = 1;
  for (size_t i = 0; i < a.images.size(); ++i)
    for (size_t k = 0; k < a.boxes[i].size(); ++k) {
      const Box& b = a.boxes[i][k];
      json o = json::object();
      if (!predictions) o["id"] = next_id++;
      o["image_id"] = image_ids[i];
      o["category_id"] = category_ids[class_of(path, a, i, k)];
      o["bbox"] = bbox(b);
      if (predictions) {
        o["score"] = std::stod(shortest_text(b.score));
        for (size_t c = 0; c < a.extra_columns.size(); ++c)
          o[a.extra_columns[c]] = std::stod(shortest_text(extra_value(path, a, i, k, c)));
      } else {
        o["area"] = b.volume();
        o["iscrowd"] = 0;
      }
      anns.push_back(std::move(o));
    }
  json root;
  if (predictions) {
    root = std::move(anns);
  } else {
    json images = json::array(), cats = json::array();
    for (size_t i = 0; i < a.images.size(); ++i) {
      json im = {{"id", image_ids[i]}, {"file_name", a.images[i]}};
      if (!a.sizes.empty() && (a.sizes[i].first > 0 || a.sizes[i].second > 0)) {
        im["width"] = a.sizes[i].first;
        im["height"] = a.sizes[i].second;
      }
      images.push_back(std::move(im));
    }
    for (size_t c = 0; c < a.class_names.size(); ++c)
      cats.push_back({{"id", category_ids[c]}, {"name", a.class_names[c]}});
    root = {{"images", std::move(images)},
            {"annotations", std::move(anns)},
            {"categories", std::move(cats)}};
  }
  write_file_atomically(path, root.dump(1) + "\n");
}

// ---- CSV ----------------------------------------------------------------------

BoxAnnotations read_box_csv(const std::string& path, const std::vector<std::string>& class_names) {
  const auto records = parse_csv(path, read_file(path));
  if (records.empty()) throw FormatError(path, "empty file: expected a header row");
  const CsvRecord& header = records[0];
  std::map<std::string, size_t> column;
  for (size_t c = 0; c < header.fields.size(); ++c)
    column.emplace(lower(trim(header.fields[c])), c);
  auto find = [&](const char* name, bool required) -> long {
    auto it = column.find(name);
    if (it != column.end()) return static_cast<long>(it->second);
    if (required)
      throw FormatError(path, "line " + std::to_string(header.line) + ": the header has no '" +
                                  name + "' column (expected image,class,xmin,ymin,xmax,ymax"
                                  "[,score])");
    return -1;
  };
  const long c_image = find("image", true), c_class = find("class", true);
  const long c_zmin = find("zmin", false), c_zmax = find("zmax", false);
  if ((c_zmin < 0) != (c_zmax < 0))
    throw FormatError(path, "line " + std::to_string(header.line) +
                                ": the header has only one of 'zmin' and 'zmax'");
  const int dims = c_zmin >= 0 ? 3 : 2;
  const long c_lo[3] = {find("xmin", true), find("ymin", true), c_zmin};
  const long c_hi[3] = {find("xmax", true), find("ymax", true), c_zmax};
  const long c_score = find("score", false);

  BoxAnnotations out;
  out.class_names = class_names;
  std::map<std::string, size_t> image_index;
  struct Pending {
    size_t image;
    Box box;
  };
  std::vector<Pending> pending;
  std::set<std::string> seen_classes;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    const std::string at = "line " + std::to_string(rec.line) + ": ";
    if (rec.fields.size() != header.fields.size())
      throw FormatError(path, at + std::to_string(rec.fields.size()) + " fields, the header has " +
                                  std::to_string(header.fields.size()));
    auto field = [&](long c) { return rec.fields[static_cast<size_t>(c)]; };
    const std::string image = field(c_image);
    if (image.empty()) throw FormatError(path, at + "empty image name");
    auto [it, added] = image_index.emplace(image, out.images.size());
    if (added) {
      out.images.push_back(image);
      out.boxes.emplace_back();
      out.sizes.emplace_back(0, 0);
    }
    bool blank = field(c_class).empty();
    for (int a = 0; a < dims; ++a)
      blank = blank && field(c_lo[a]).empty() && field(c_hi[a]).empty();
    if (blank) continue;  // an image without boxes
    Box b;
    b.dims = dims;
    b.class_name = field(c_class);
    if (b.class_name.empty()) throw FormatError(path, at + "empty class");
    for (int a = 0; a < dims; ++a) {
      for (const long c : {c_lo[a], c_hi[a]}) {
        double v;
        if (!parse_number(field(c), v))
          throw FormatError(path, at + header.fields[static_cast<size_t>(c)] +
                                      " is not a number ('" + field(c) + "')");
        (c == c_lo[a] ? b.lo : b.hi)[static_cast<size_t>(a)] = v;
      }
      if (b.hi[static_cast<size_t>(a)] < b.lo[static_cast<size_t>(a)])
        throw FormatError(path, at + std::string(1, "xyz"[a]) + "max < " + "xyz"[a] + "min");
    }
    if (c_score >= 0) {
      double s;
      if (!parse_number(field(c_score), s))
        throw FormatError(path, at + "score is not a number ('" + field(c_score) + "')");
      b.score = static_cast<float>(s);
    }
    if (!class_names.empty()) {
      auto c = std::find(class_names.begin(), class_names.end(), b.class_name);
      if (c == class_names.end())
        throw FormatError(path, at + "unknown class '" + b.class_name + "'");
      b.label = static_cast<int>(c - class_names.begin());
    }
    seen_classes.insert(b.class_name);
    pending.push_back({it->second, std::move(b)});
  }
  if (class_names.empty()) out.class_names.assign(seen_classes.begin(), seen_classes.end());
  for (auto& p : pending) {
    if (p.box.label < 0)
      p.box.label = static_cast<int>(
          std::find(out.class_names.begin(), out.class_names.end(), p.box.class_name) -
          out.class_names.begin());
    out.boxes[p.image].push_back(std::move(p.box));
  }
  return out;
}

void write_box_csv(const std::string& path, const BoxAnnotations& a, bool with_score) {
  const int dims = check_for_writing(path, a);
  std::string text = dims == 3 ? "image,class,xmin,ymin,zmin,xmax,ymax,zmax"
                               : "image,class,xmin,ymin,xmax,ymax";
  text += with_score ? ",score" : "";
  for (const auto& c : a.extra_columns) text += "," + csv_quote(c);
  text += "\n";
  const size_t extra = a.extra_columns.size();
  for (size_t i = 0; i < a.images.size(); ++i) {
    if (a.images[i].empty()) throw DataError(path, "image " + std::to_string(i) + " has no name");
    const std::string image = csv_quote(a.images[i]);
    if (a.boxes[i].empty()) {
      text += image +
              std::string(static_cast<size_t>(1 + 2 * dims + (with_score ? 1 : 0)) + extra, ',') +
              "\n";
      continue;
    }
    for (size_t k = 0; k < a.boxes[i].size(); ++k) {
      const Box& b = a.boxes[i][k];
      // Without a class list a box may carry its class by name alone.
      const std::string name = a.class_names.empty() && b.label < 0 && !b.class_name.empty()
                                   ? b.class_name
                                   : a.class_names[class_of(path, a, i, k)];
      text += image + "," + csv_quote(name);
      for (int ax = 0; ax < dims; ++ax) text += "," + shortest_text(b.lo[static_cast<size_t>(ax)]);
      for (int ax = 0; ax < dims; ++ax) text += "," + shortest_text(b.hi[static_cast<size_t>(ax)]);
      if (with_score) text += "," + shortest_text(b.score);
      for (size_t c = 0; c < extra; ++c) text += "," + shortest_text(extra_value(path, a, i, k, c));
      text += "\n";
    }
  }
  write_file_atomically(path, text);
}

}  // namespace medcnn
