#include "medcnn/io/boxes.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/xml_lite.h"

namespace fs = std::filesystem;

namespace medcnn {
namespace {



}  // namespace

VocAnnotation read_voc(const std::string& path) {
  auto root = io_detail::parse_xml(read_file(path), path);
  if (root->name != "annotation")
    throw FormatError(path, "not a Pascal VOC annotation (root element <" + root->name +
                                ">, expected <annotation>)");
  VocAnnotation voc;
  if (const auto* f = root->child("filename")) voc.filename = f->trimmed_text();

  auto integer = [&](const io_detail::XmlNode* parent, const char* tag, int& out) {
    const auto* n = parent->child(tag);
    if (!n) return;
    double v;
    if (!parse_number(n->trimmed_text(), v) || v < 0 || v != std::floor(v))
      throw FormatError(path, std::string("line ") + std::to_string(n->line) + ": <" + tag +
                                  "> is not a non-negative integer ('" + n->trimmed_text() + "')");
    out = static_cast<int>(v);
  };
  if (const auto* size = root->child("size")) {
    integer(size, "width", voc.width);
    integer(size, "height", voc.height);
    integer(size, "depth", voc.depth);
  }

  for (const auto* obj : root->children_named("object")) {
    const std::string at = "line " + std::to_string(obj->line) + ": <object>";
    Box b;
    b.dims = 2;
    const auto* name = obj->child("name");
    if (!name || name->trimmed_text().empty()) throw FormatError(path, at + " has no <name>");
    b.class_name = name->trimmed_text();
    const auto* bb = obj->child("bndbox");
    if (!bb) throw FormatError(path, at + " '" + b.class_name + "' has no <bndbox>");
    double v[4];
    const char* tags[4] = {"xmin", "ymin", "xmax", "ymax"};
    for (int i = 0; i < 4; ++i) {
      const auto* n = bb->child(tags[i]);
      if (!n) throw FormatError(path, at + " '" + b.class_name + "' has no <" + tags[i] + ">");
      if (!parse_number(n->trimmed_text(), v[i]))
        throw FormatError(path, "line " + std::to_string(n->line) + ": <" + tags[i] +
                                    "> is not a number ('" + n->trimmed_text() + "')");
    }
    // VOC corners are 1-based and inclusive: pixel xmin..xmax -> [xmin-1, xmax).
    if (v[2] < v[0] || v[3] < v[1])
      throw FormatError(path, at + " '" + b.class_name + "' has xmax < xmin or ymax < ymin");
    b.lo = {v[0] - 1, v[1] - 1, 0};
    b.hi = {v[2], v[3], 0};
    voc.boxes.push_back(std::move(b));
  }
  return voc;
}

std::vector<Box> parse_inline_boxes(const std::string& text, const std::string& where) {
  std::vector<Box> boxes;
  std::stringstream all(text);
  std::string item;
  int index = 0;
  while (std::getline(all, item, ';')) {
    ++index;
    item = trim(item);
    if (item.empty()) continue;
    std::vector<std::string> tokens;
    std::istringstream ts(item);
    for (std::string t; ts >> t;) tokens.push_back(t);
    // The numbers are the last 4 (2-D) or 6 (3-D) tokens; the class is the rest.
    size_t numbers = 0;
    for (size_t k = tokens.size(); k > 0; --k) {
      double v;
      if (!parse_number(tokens[k - 1], v)) break;
      ++numbers;
    }
    int dims;
    if (numbers >= 6 && tokens.size() > 6) dims = 3;
    else if (numbers >= 4 && tokens.size() > 4) dims = 2;
    else
      throw FormatError(where, "box " + std::to_string(index) + " '" + item +
                                   "': expected 'class xmin ymin xmax ymax' (or 3-D "
                                   "'class xmin ymin zmin xmax ymax zmax')");
    const size_t first = tokens.size() - 2 * dims;
    Box b;
    b.dims = dims;
    for (size_t k = 0; k < first; ++k) b.class_name += (k ? " " : "") + tokens[k];
    for (int a = 0; a < dims; ++a) {
      b.lo[a] = std::stod(tokens[first + a]);
      b.hi[a] = std::stod(tokens[first + dims + a]);
      if (b.hi[a] < b.lo[a])
        throw FormatError(where, "box " + std::to_string(index) + " '" + item + "': max < min");
    }
    boxes.push_back(std::move(b));
  }
  return boxes;
}

std::string format_inline_boxes(const std::vector<Box>& boxes) {
  std::string out;
  for (const auto& b : boxes) {
    if (!out.empty()) out += "; ";
    std::string name = b.class_name;
    for (auto& c : name)
      if (std::isspace(static_cast<unsigned char>(c)) || c == ';') c = '_';
    if (name.empty()) name = b.label >= 0 ? std::to_string(b.label) : "object";
    out += name;
    for (int a = 0; a < b.dims; ++a) out += " " + shortest_text(b.lo[a]);
    for (int a = 0; a < b.dims; ++a) out += " " + shortest_text(b.hi[a]);
  }
  return out;
}

}  // namespace medcnn
