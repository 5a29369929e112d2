#include "test_support.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace medcnn::test {

std::string shared_data(const std::string& rel) {
  const char* env = std::getenv("MEDCNN_SHARED_DATA");
  std::string root = env && *env ? env : MEDCNN_SHARED_DATA;
  fs::path p = rel.empty() ? fs::path(root) : fs::path(root) / rel;
  std::error_code ec;
  return fs::exists(p, ec) ? p.string() : std::string();
}

std::string source_dir() { return MEDCNN_SOURCE_DIR; }
std::string oracle_script(const std::string& name) {
  return std::string(MEDCNN_SOURCE_DIR) + "/tests/oracles/" + name;
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("medcnn-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p.string();
      return;
    }
  }
  throw std::runtime_error("TempDir: cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

void write_text(const std::string& path, const std::string& bytes) {
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

CommandResult run_command(const std::string& command) {
  TempDir tmp;
  std::string err_file = tmp.file("stderr");
  std::string full = command + " 2>" + shell_quote(err_file);
  CommandResult r;
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream ef(err_file);
  std::stringstream ss;
  ss << ef.rdbuf();
  r.err = ss.str();
  return r;
}

CommandResult run_medcnn(const std::vector<std::string>& args) {
  std::string cmd = shell_quote(MEDCNN_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_command(cmd);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(f);
}

nlohmann::json run_oracle(const std::string& script, const std::vector<std::string>& args) {
  std::string cmd = "/usr/bin/python3 " + shell_quote(oracle_script(script));
  for (const auto& a : args) cmd += " " + shell_quote(a);
  CommandResult r = run_command(cmd);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "oracle " << script << " failed (exit " << r.exit_code << "): " << r.err;
    return nullptr;
  }
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "oracle " << script << " printed no JSON: " << e.what() << "\n" << r.out;
    return nullptr;
  }
}

}  // namespace medcnn::test
