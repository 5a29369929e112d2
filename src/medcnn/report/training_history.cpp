#include "medcnn/report/training_history.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "medcnn/core/error.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"

namespace medcnn {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Splits one CSV line on commas; fields are trimmed and unquoted ("a" -> a).
// Quoted fields may not contain commas (the trainer never writes any).
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    std::string f = trim(line.substr(start, comma == std::string::npos ? std::string::npos
                                                                       : comma - start));
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = trim(f.substr(1, f.size() - 2));
    out.push_back(f);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  const char* b = s.c_str();
  char* end = nullptr;
  v = std::strtod(b, &end);
  return end == b + s.size();
}

}  // namespace

double TrainingRecord::get(const std::string& name) const {
  for (const auto& [k, v] : values)
    if (k == name) return v;
  return std::numeric_limits<double>::quiet_NaN();
}

bool TrainingRecord::has(const std::string& name) const {
  for (const auto& kv : values)
    if (kv.first == name) return true;
  return false;
}

std::vector<TrainingRecord> read_training_history(const std::string& csv_path) {
  const std::string text = read_file(csv_path);  // IoError when missing
  std::vector<TrainingRecord> out;
  std::vector<std::string> header;
  size_t line_no = 0, pos = 0;
  auto where = [&] { return csv_path + ":" + std::to_string(line_no); };
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (line_no == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
      line.erase(0, 3);  // UTF-8 byte-order mark
    if (trim(line).empty()) continue;
    std::vector<std::string> fields = split_fields(line);
    if (header.empty()) {
      if (lower(fields[0]) != "epoch")
        throw FormatError(where(), "the first column of the header is '" + fields[0] +
                                       "', expected 'epoch'");
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].empty())
          throw FormatError(where(), "header column " + std::to_string(i + 1) + " has no name");
        for (size_t j = 0; j < i; ++j)
          if (fields[j] == fields[i])
            throw FormatError(where(), "header repeats the column '" + fields[i] + "'");
      }
      header = fields;
      continue;
    }
    if (fields.size() != header.size())
      throw FormatError(where(), "row has " + std::to_string(fields.size()) +
                                     " fields but the header has " +
                                     std::to_string(header.size()));
    TrainingRecord rec;
    double e = 0;
    if (!parse_double(fields[0], e) || !std::isfinite(e) || e != std::floor(e) ||
        std::fabs(e) > 1e15)
      throw FormatError(where(), "epoch '" + fields[0] + "' is not an integer");
    rec.epoch = static_cast<int64_t>(e);
    for (size_t i = 1; i < fields.size(); ++i) {
      const std::string& f = fields[i];
      const std::string lf = lower(f);
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!(f.empty() || lf == "nan" || lf == "na" || lf == "n/a") && !parse_double(f, v))
        throw FormatError(where(), "column '" + header[i] + "': '" + f + "' is not a number");
      rec.values.emplace_back(header[i], v);
    }
    out.push_back(std::move(rec));
  }
  if (header.empty()) throw FormatError(csv_path + ":1", "empty file, expected a header row");
  return out;
}

}  // namespace medcnn
