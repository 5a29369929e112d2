#include "medcnn/io/csv.h"

#include <iomanip>
#include <sstream>

#include <cctype>
#include <cmath>

#include "medcnn/core/error.h"

namespace medcnn {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::vector<CsvRecord> parse_csv(const std::string& path, const std::string& text) {
  std::vector<CsvRecord> out;
  CsvRecord rec;
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
    rec = CsvRecord();
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

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

namespace {

template <class T>
std::string shortest(T v, int max_digits, T (*read)(const std::string&, size_t*)) {
  for (int precision = 6; precision < max_digits; ++precision) {
    std::ostringstream s;
    s << std::setprecision(precision) << v;
    if (read(s.str(), nullptr) == v) return s.str();
  }
  std::ostringstream s;
  s << std::setprecision(max_digits) << v;
  return s.str();
}

double read_double(const std::string& s, size_t* used) { return std::stod(s, used); }
float read_float(const std::string& s, size_t* used) { return std::stof(s, used); }

}  // namespace

bool parse_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  try {
    size_t used = 0;
    v = std::stod(s, &used);
    return used == s.size() && std::isfinite(v);
  } catch (const std::exception&) {
    return false;
  }
}

std::string shortest_text(double v) { return shortest<double>(v, 17, read_double); }
std::string shortest_text(float v) { return shortest<float>(v, 9, read_float); }

}  // namespace medcnn
