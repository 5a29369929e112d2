// CsvDataset: a manifest with image[,label][,mask][,boxes][,id], or columns
// named by CsvOptions. See sources.h.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/boxes.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_int(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// Valid UTF-8? If not, *bad is the offset of the first bad byte.
bool valid_utf8(const std::string& s, size_t* bad) {
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      *bad = i;
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= n) {
        *bad = i;
        return false;
      }
      const auto d = static_cast<unsigned char>(s[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) {
        *bad = i;
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

std::string latin1_to_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// The file's bytes as UTF-8 text, per the `encoding` option.
std::string decode_text(const std::string& path, const std::string& bytes,
                        const std::string& encoding_in) {
  const std::string encoding = lower(encoding_in);
  size_t bad = 0;
  if (encoding == "latin-1" || encoding == "latin1" || encoding == "iso-8859-1")
    return latin1_to_utf8(bytes);
  if (encoding == "utf-8" || encoding == "utf8") {
    if (valid_utf8(bytes, &bad)) return bytes;
    const auto line = 1 + std::count(bytes.begin(), bytes.begin() + static_cast<long>(bad), '\n');
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X",
                  static_cast<unsigned>(static_cast<unsigned char>(bytes[bad])));
    throw FormatError(path, "line " + std::to_string(line) + ": byte " + hex +
                                " is not UTF-8 (set encoding = \"latin-1\" for a Latin-1 file)");
  }
  if (encoding == "auto" || encoding.empty())
    return valid_utf8(bytes, &bad) ? bytes : latin1_to_utf8(bytes);
  throw ConfigError("data.encoding", "unknown encoding '" + encoding_in +
                                         "' (allowed: auto, utf-8, latin-1)");
}

// '*' matches any run, '?' one character; only where wild[i] is set in the pattern.
bool glob_match(const std::string& p, const std::vector<bool>& wild, const std::string& s) {
  size_t pi = 0, si = 0, star = std::string::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && wild[pi] && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && ((wild[pi] && p[pi] == '?') || (!wild[pi] && p[pi] == s[si]))) {
      ++pi;
      ++si;
    } else if (star != std::string::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && wild[pi] && p[pi] == '*') ++pi;
  return pi == p.size();
}

// Sorted regular file names of a folder, listed once per folder.
class FolderListings {
 public:
  const std::vector<std::string>& names(const std::string& dir) {
    auto it = cache_.find(dir);
    if (it != cache_.end()) return it->second;
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator d(dir, ec), end; !ec && d != end; d.increment(ec)) {
      std::error_code ec2;
      if (d->is_regular_file(ec2)) out.push_back(d->path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return cache_[dir] = std::move(out);
  }

 private:
  std::map<std::string, std::vector<std::string>> cache_;
};

}  // namespace

CsvOptions CsvOptions::from_json(const nlohmann::json& j, const std::string& where) {
  CsvOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) throw ConfigError(where, "CSV options must be a table");
  const std::string allowed =
      "image_column, label_column, mask_column, roi_column, boxes_column, id_column, "
      "image_pattern, "
      "encoding, positive, positive_name, negative, unlabelled";
  auto text = [&](const std::string& key, const nlohmann::json& v) {
    if (!v.is_string()) throw ConfigError(where + "." + key, "must be a string");
    return v.get<std::string>();
  };
  for (const auto& [key, v] : j.items()) {
    if (key == "image_column") o.image_column = text(key, v);
    else if (key == "label_column") o.label_column = text(key, v);
    else if (key == "mask_column") o.mask_column = text(key, v);
    else if (key == "roi_column") o.roi_column = text(key, v);
    else if (key == "boxes_column") o.boxes_column = text(key, v);
    else if (key == "id_column") o.id_column = text(key, v);
    else if (key == "image_pattern") o.image_pattern = text(key, v);
    else if (key == "encoding") o.encoding = text(key, v);
    else if (key == "positive_name") o.positive_name = text(key, v);
    else if (key == "negative") o.negative = text(key, v);
    else if (key == "positive") {
      if (v.is_array())
        for (const auto& e : v) o.positive.push_back(text(key, e));
      else
        o.positive.push_back(text(key, v));
    } else if (key == "unlabelled") {
      o.unlabelled = text(key, v);
      if (o.unlabelled != "keep" && o.unlabelled != "drop")
        throw ConfigError(where + "." + key, "must be \"keep\" or \"drop\", got '" +
                                                 o.unlabelled + "'");
    } else {
      throw ConfigError(where + "." + key,
                        "unknown option for a CSV manifest (allowed: " + allowed + ")");
    }
  }
  return o;
}

CsvDataset::CsvDataset(const std::string& csv_path, const CsvOptions& opt) : path_(csv_path) {
  auto records = parse_csv(csv_path, decode_text(csv_path, read_file(csv_path), opt.encoding));
  const std::string image_col = lower(trim(opt.image_column)),
                    label_col = lower(trim(opt.label_column)),
                    mask_col = lower(trim(opt.mask_column)),
                    roi_col = lower(trim(opt.roi_column)),
                    boxes_col = lower(trim(opt.boxes_column)), id_col = lower(trim(opt.id_column));
  const bool use_pattern = !opt.image_pattern.empty();
  if (records.empty())
    throw DataError(csv_path, "empty CSV (expected a header with an '" + image_col + "' column)");
  std::map<std::string, size_t> col;
  std::string header_list;
  for (size_t c = 0; c < records[0].fields.size(); ++c) {
    const std::string h = lower(trim(records[0].fields[c]));
    header_list += (header_list.empty() ? "" : ", ") + h;
    if (!h.empty() && !col.count(h)) col[h] = c;
  }
  if (!use_pattern && !col.count(image_col))
    throw DataError(csv_path, "no '" + image_col + "' column in the header (columns: " +
                                  header_list + "; expected image[,label][,mask][,boxes][,id]" +
                                  " or an image_pattern)");
  // A column named in the options (other than the defaults) must exist.
  const CsvOptions defaults;
  auto require_column = [&](const std::string& name, const std::string& given,
                            const std::string& fallback, const char* option) {
    if (lower(trim(given)) != fallback && !col.count(name))
      throw DataError(csv_path, std::string(option) + " '" + given +
                                    "' is not a column of the header (columns: " + header_list +
                                    ")");
  };
  require_column(label_col, opt.label_column, defaults.label_column, "label_column");
  require_column(mask_col, opt.mask_column, defaults.mask_column, "mask_column");
  require_column(roi_col, opt.roi_column, defaults.roi_column, "roi_column");
  require_column(boxes_col, opt.boxes_column, defaults.boxes_column, "boxes_column");
  require_column(id_col, opt.id_column, defaults.id_column, "id_column");
  if (!opt.positive.empty() && !col.count(label_col))
    throw DataError(csv_path, "positive label values given but the header has no '" + label_col +
                                  "' column (columns: " + header_list + ")");

  // image_pattern: literal text, "{column}" placeholders, '*' / '?' wildcards.
  struct Piece {
    std::string text, column;  // one of them set
    bool wildcard = false;
  };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < opt.image_pattern.size(); ++i) {
    const char c = opt.image_pattern[i];
    if (c == '{') {
      const size_t close = opt.image_pattern.find('}', i);
      if (close == std::string::npos)
        throw ConfigError("data.image_pattern", "'{' without '}' in '" + opt.image_pattern + "'");
      const std::string name = lower(trim(opt.image_pattern.substr(i + 1, close - i - 1)));
      if (!col.count(name))
        throw DataError(csv_path, "image_pattern '" + opt.image_pattern + "' names column '" +
                                      name + "', which the header lacks (columns: " +
                                      header_list + ")");
      pieces.push_back({"", name, false});
      i = close;
    } else if (c == '*' || c == '?') {
      pieces.push_back({std::string(1, c), "", true});
    } else {
      pieces.push_back({std::string(1, c), "", false});
    }
  }
  const bool keep_unlabelled =
      opt.unlabelled.empty() ? opt.positive.empty() : opt.unlabelled == "keep";

  auto cell = [&](const CsvRecord& r, const std::string& name) -> std::string {
    auto it = col.find(name);
    if (it == col.end() || it->second >= r.fields.size()) return "";
    return r.fields[it->second];
  };
  const fs::path base = fs::path(csv_path).parent_path();
  auto where = [&](int line) { return "line " + std::to_string(line); };
  auto require_file = [&](int line, const char* what, const std::string& raw,
                          const std::string& resolved) {
    std::error_code ec;
    if (!fs::exists(resolved, ec))
      throw DataError(csv_path, where(line) + ": " + what + " file '" + raw + "' not found" +
                                    (raw == resolved ? "" : " (looked for " + resolved + ")"));
  };
  FolderListings listings;
  // The image path of a row from image_pattern; throws DataError naming the line.
  auto pattern_image = [&](const CsvRecord& rec) -> std::string {
    std::string p;
    std::vector<bool> wild;
    for (const Piece& piece : pieces) {
      if (!piece.column.empty()) {
        const std::string v = cell(rec, piece.column);
        if (v.empty())
          throw DataError(csv_path, where(rec.line) + ": empty '" + piece.column +
                                        "' (needed by image_pattern '" + opt.image_pattern + "')");
        p += v;
        wild.insert(wild.end(), v.size(), false);
      } else {
        p += piece.text;
        wild.push_back(piece.wildcard);
      }
    }
    const size_t slash = p.find_last_of('/');
    const size_t name_at = slash == std::string::npos ? 0 : slash + 1;
    if (std::find(wild.begin(), wild.begin() + static_cast<long>(name_at), true) !=
        wild.begin() + static_cast<long>(name_at))
      throw ConfigError("data.image_pattern", "wildcards are allowed in the file name only, not "
                                              "in the folders of '" + opt.image_pattern + "'");
    if (std::find(wild.begin(), wild.end(), true) == wild.end()) {
      const std::string resolved = resolve_path(base.string(), p);
      require_file(rec.line, "image", p, resolved);
      return resolved;
    }
    const std::string dir = resolve_path(base.string(), name_at ? p.substr(0, name_at) : ".");
    const std::string name = p.substr(name_at);
    const std::vector<bool> name_wild(wild.begin() + static_cast<long>(name_at), wild.end());
    std::vector<std::string> hits;
    for (const std::string& f : listings.names(dir))
      if (glob_match(name, name_wild, f)) hits.push_back(f);
    if (hits.size() == 1) return (fs::path(dir) / hits[0]).string();
    if (hits.empty())
      throw DataError(csv_path, where(rec.line) + ": no image file matches '" + p + "' (in " +
                                    dir + ", from image_pattern '" + opt.image_pattern + "')");
    std::string list;
    for (size_t k = 0; k < hits.size() && k < 5; ++k) list += (k ? ", " : "") + hits[k];
    throw DataError(csv_path, where(rec.line) + ": " + std::to_string(hits.size()) +
                                  " files match '" + p + "' (" + list +
                                  "); make image_pattern '" + opt.image_pattern + "' specific");
  };

  std::vector<std::string> raw_labels;
  std::set<std::string> box_names;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    const std::string raw_label = cell(rec, label_col);
    if (raw_label.empty() && !keep_unlabelled && col.count(label_col)) {
      ++dropped_;
      continue;
    }
    Row row;
    row.line = rec.line;
    std::string image;
    if (use_pattern) {
      row.image = pattern_image(rec);
      image = row.image;
    } else {
      image = cell(rec, image_col);
      if (image.empty()) throw DataError(csv_path, where(rec.line) + ": empty image path");
      row.image = resolve_path(base, image);
      require_file(rec.line, "image", image, row.image);
    }
    const std::string mask = cell(rec, mask_col);
    if (!mask.empty()) {
      row.mask = resolve_path(base, mask);
      require_file(rec.line, "mask", mask, row.mask);
    }
    const std::string roi = cell(rec, roi_col);
    if (!roi.empty()) {
      row.roi = resolve_path(base, roi);
      require_file(rec.line, "roi", roi, row.roi);
    }
    const std::string boxes = cell(rec, boxes_col);
    if (!boxes.empty()) {
      if (lower(file_extension(boxes)) == ".xml") {
        row.boxes = resolve_path(base, boxes);
        require_file(rec.line, "boxes", boxes, row.boxes);
        row.box_list = read_voc(row.boxes).boxes;
      } else {
        row.boxes = boxes;
        row.box_list = parse_inline_boxes(boxes, csv_path + ": " + where(rec.line));
      }
      for (const Box& b : row.box_list) box_names.insert(b.class_name);
    }
    row.id = cell(rec, id_col);
    if (row.id.empty()) row.id = case_id(image);
    for (const auto& [name, c] : col)
      if (name != image_col && name != mask_col && name != roi_col && name != boxes_col &&
          name != id_col &&
          name != label_col && c < rec.fields.size())
        row.extra[name] = rec.fields[c];
    raw_labels.push_back(raw_label);
    rows_.push_back(std::move(row));
  }
  if (rows_.empty())
    throw DataError(csv_path, dropped_ ? "no labelled rows (" + std::to_string(dropped_) +
                                             " rows without a '" + label_col + "' value dropped)"
                                       : std::string("no rows after the header"));

  if (!opt.positive.empty()) {
    // Two classes: 0 = negative, 1 = positive.
    const std::string pos_name =
        !opt.positive_name.empty() ? opt.positive_name
                                   : (opt.positive.size() == 1 ? opt.positive[0] : "positive");
    classes_ = {opt.negative, pos_name};
    for (size_t r = 0; r < rows_.size(); ++r) {
      const std::string& l = raw_labels[r];
      if (l.empty()) continue;
      rows_[r].label = std::find(opt.positive.begin(), opt.positive.end(), l) !=
                               opt.positive.end()
                           ? 1
                           : 0;
    }
  } else {
    // Labels: integers as they are; otherwise names sorted into indices.
    bool all_int = true;
    std::set<std::string> names;
    for (const auto& l : raw_labels)
      if (!l.empty()) {
        all_int &= is_int(l);
        names.insert(l);
      }
    if (!all_int) classes_.assign(names.begin(), names.end());
    for (size_t r = 0; r < rows_.size(); ++r) {
      const std::string& l = raw_labels[r];
      if (l.empty()) continue;
      if (all_int) {
        rows_[r].label = std::stoll(l);
      } else {
        rows_[r].label = std::lower_bound(classes_.begin(), classes_.end(), l) - classes_.begin();
      }
    }
  }
  // Box labels: integer names as they are, otherwise sorted names.
  bool box_int = std::all_of(box_names.begin(), box_names.end(), is_int);
  box_classes_.assign(box_names.begin(), box_names.end());
  for (Row& row : rows_)
    for (Box& b : row.box_list) {
      if (box_int && !b.class_name.empty())
        b.label = static_cast<int>(std::stoll(b.class_name));
      else if (!box_int)
        b.label = static_cast<int>(
            std::lower_bound(box_classes_.begin(), box_classes_.end(), b.class_name) -
            box_classes_.begin());
    }
  if (classes_.empty() && !box_int) classes_ = box_classes_;
}

std::vector<int64_t> CsvDataset::labels() const {
  std::vector<int64_t> out;
  out.reserve(rows_.size());
  for (const Row& r : rows_) out.push_back(r.label);
  return out;
}

Sample CsvDataset::get(size_t index) const {
  if (index >= rows_.size())
    throw DataError(path_, "index " + std::to_string(index) + " out of range (" +
                               std::to_string(rows_.size()) + " rows)");
  const Row& row = rows_[index];
  Sample s;
  s.id = row.id;
  s.image = read_image(row.image);
  s.label = row.label;
  s.boxes = row.box_list;
  s.meta = row.extra;
  s.meta["image_path"] = row.image;
  if (!row.mask.empty()) {
    s.mask = read_mask(row.mask);
    check_same_grid(s.image, *s.mask, row.mask);
    s.meta["mask_path"] = row.mask;
  }
  if (!row.roi.empty()) {
    Image roi = read_mask(row.roi);
    check_same_grid(s.image, roi, row.roi);
    s.meta["roi_path"] = row.roi;
    if (s.mask) {
      at::Tensor m = s.mask->data.to(torch::kLong).clone();
      m.masked_fill_(roi.data.eq(0), kIgnoreLabel);
      s.mask = s.mask->with_data(m, PixelType::Int64);
    }
  }
  return s;
}

std::string CsvDataset::describe() const {
  return "CSV manifest " + path_ + " (" + std::to_string(rows_.size()) + " cases" +
         (dropped_ ? ", " + std::to_string(dropped_) + " unlabelled rows left out" : "") + ")";
}

}  // namespace medcnn
