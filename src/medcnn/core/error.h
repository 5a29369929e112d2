// medcnn::Error and its kinds.
//
// Contract: every failure that a user can cause (bad path, bad file, bad
// config, mismatched geometry) is thrown as an Error subclass whose what()
// names the file (or key) and the problem in one line: "PATH: REASON".
// The CLI catches Error, prints that line and exits with a non-zero code.
#pragma once
#include <stdexcept>
#include <string>

namespace medcnn {

class Error : public std::runtime_error {
 public:
  Error(const std::string& where, const std::string& reason)
      : std::runtime_error(where.empty() ? reason : where + ": " + reason),
        where_(where), reason_(reason) {}
  const std::string& where() const { return where_; }
  const std::string& reason() const { return reason_; }
  // Exit code the CLI returns for this kind of error.
  virtual int exit_code() const { return 1; }

 private:
  std::string where_, reason_;
};

// A file or folder that is missing, unreadable or unwritable.
class IoError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// A file whose bytes are not what its name or header promise
// (truncated, corrupt, wrong format, missing keys).
class FormatError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 3; }
};

// Images that should share a grid but do not (size, spacing, origin, direction).
class GeometryError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 4; }
};

// A bad configuration value or command-line option.
class ConfigError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 5; }
};

// A data set that is empty, inconsistent, or refers to missing files.
class DataError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 6; }
};

}  // namespace medcnn
