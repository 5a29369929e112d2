// CSV text: parsing and quoting shared by every CSV medcnn reads or writes
// (data set manifests, predictions, training histories).
//
// parse_csv(path, text): RFC 4180-style records: ',' separates fields,
// "..." quotes (with "" for a quote), quoted fields may hold commas and
// newlines; unquoted fields are trimmed; blank lines are skipped; a UTF-8
// BOM is ignored. Each record keeps the 1-based line it starts on.
// FormatError "PATH: line N: unclosed quote" for an unterminated quote.
// csv_quote(s): s, or s in quotes (inner quotes doubled) when it holds a
// comma, a quote or a line break.
// trim(s): s without leading and trailing white space (std::isspace).
#pragma once
#include <string>
#include <vector>

namespace medcnn {

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

std::vector<CsvRecord> parse_csv(const std::string& path, const std::string& text);
std::string csv_quote(const std::string& s);
std::string trim(const std::string& s);
// The shortest decimal text that reads back as the same value (6 to 17
// significant digits for a double, 6 to 9 for a float).
std::string shortest_text(double v);
std::string shortest_text(float v);
// Reads all of `s` as a finite number into v; false (v unspecified) otherwise.
bool parse_number(const std::string& s, double& v);

}  // namespace medcnn
