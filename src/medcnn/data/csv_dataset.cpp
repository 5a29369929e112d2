// CsvDataset: a manifest with image[,label][,mask][,boxes][,id]. See sources.h.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/boxes.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

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

struct Record {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

// RFC 4180-style: ',' separates, "..." quotes (with "" for a quote), quoted
// fields may hold commas and newlines. Unquoted fields are trimmed.
std::vector<Record> parse_csv(const std::string& path, const std::string& text) {
  std::vector<Record> out;
  Record rec;
  std::string field;
  bool in_quotes = false, quoted = false, any = false;
  int line = 1;
  rec.line = 1;
  auto end_field = [&] {
    rec.fields.push_back(quoted ? field : trim(field));
    field.clear();
    quoted = false;
  };
  auto end_record = [&] {
    end_field();
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty() && !any;
    if (!blank) out.push_back(std::move(rec));
    rec = Record();
    any = false;
  };
  size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 BOM
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && trim(field).empty()) {
      in_quotes = quoted = any = true;
      field.clear();
    } else if (c == ',') {
      any = true;
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
      rec.line = line;
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) any = true;
      field += c;
    }
  }
  if (in_quotes) throw FormatError(path, "line " + std::to_string(rec.line) + ": unclosed quote");
  if (!field.empty() || !rec.fields.empty() || any) end_record();
  return out;
}


}  // namespace

CsvDataset::CsvDataset(const std::string& csv_path) : path_(csv_path) {
  auto records = parse_csv(csv_path, read_file(csv_path));
  if (records.empty()) throw DataError(csv_path, "empty CSV (expected a header with an 'image' column)");
  std::map<std::string, size_t> col;
  std::string header_list;
  for (size_t c = 0; c < records[0].fields.size(); ++c) {
    const std::string h = lower(trim(records[0].fields[c]));
    header_list += (header_list.empty() ? "" : ", ") + h;
    if (!h.empty() && !col.count(h)) col[h] = c;
  }
  if (!col.count("image"))
    throw DataError(csv_path, "no 'image' column in the header (columns: " + header_list +
                                  "; expected image[,label][,mask][,boxes][,id])");
  auto cell = [&](const Record& r, const char* name) -> std::string {
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

  std::vector<std::string> raw_labels;
  std::set<std::string> box_names;
  for (size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    Row row;
    row.line = rec.line;
    const std::string image = cell(rec, "image");
    if (image.empty()) throw DataError(csv_path, where(rec.line) + ": empty image path");
    row.image = resolve_path(base, image);
    require_file(rec.line, "image", image, row.image);
    const std::string mask = cell(rec, "mask");
    if (!mask.empty()) {
      row.mask = resolve_path(base, mask);
      require_file(rec.line, "mask", mask, row.mask);
    }
    const std::string boxes = cell(rec, "boxes");
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
    row.id = cell(rec, "id");
    if (row.id.empty()) row.id = case_id(image);
    for (const auto& [name, c] : col)
      if (name != "image" && name != "mask" && name != "boxes" && name != "id" &&
          name != "label" && c < rec.fields.size())
        row.extra[name] = rec.fields[c];
    raw_labels.push_back(cell(rec, "label"));
    rows_.push_back(std::move(row));
  }
  if (rows_.empty()) throw DataError(csv_path, "no rows after the header");

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
  return s;
}

std::string CsvDataset::describe() const {
  return "CSV manifest " + path_ + " (" + std::to_string(rows_.size()) + " cases)";
}

}  // namespace medcnn
