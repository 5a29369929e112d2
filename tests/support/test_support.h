// Helpers shared by the test programs: the shared data folder, temporary
// folders, running the medcnn program, and running Python oracles.
#pragma once
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <exception>
#include <string>
#include <vector>

namespace medcnn::test {

// ../shared/data (or $MEDCNN_SHARED_DATA) joined with rel; "" if absent.
std::string shared_data(const std::string& rel = "");
std::string source_dir();  // the repository root
std::string oracle_script(const std::string& name);  // tests/oracles/<name>

// Skips the current test with a clear message when shared data is absent.
#define MEDCNN_REQUIRE_DATA(var, rel)                                                    \
  const std::string var = ::medcnn::test::shared_data(rel);                             \
  if (var.empty())                                                                      \
    GTEST_SKIP() << "shared data '" << (rel) << "' not found (set MEDCNN_SHARED_DATA or " \
                 << "place ../shared/data beside the checkout)"

// A fresh temporary folder, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs a command line through /bin/sh, capturing stdout and stderr.
CommandResult run_command(const std::string& command);
// Runs the built medcnn program with the given arguments (shell-quoted here).
CommandResult run_medcnn(const std::vector<std::string>& args);
// Runs /usr/bin/python3 tests/oracles/<script> args..., expects exit 0 and a
// JSON document on stdout; fails the test (ADD_FAILURE) and returns null otherwise.
nlohmann::json run_oracle(const std::string& script, const std::vector<std::string>& args);
std::string shell_quote(const std::string& s);
// Writes bytes to path, creating its parent folders.
void write_text(const std::string& path, const std::string& bytes);
// Parses the JSON file at path (a missing or malformed file throws).
nlohmann::json read_json(const std::string& path);

// Runs f and returns the message of the E it throws; fails the test
// (ADD_FAILURE) and returns "" when it throws nothing or another exception.
template <class E, class F>
std::string expect_error(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong error type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

// True when `part` occurs in `message`.
inline bool has(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

}  // namespace medcnn::test
