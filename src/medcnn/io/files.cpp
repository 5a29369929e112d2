#include "medcnn/io/files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/atomic_write.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path, "no such file or folder");
  if (fs::is_directory(path, ec)) throw IoError(path, "is a folder, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  io_detail::write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw IoError(path, "cannot open for writing");
    out << bytes;
    out.close();
    if (!out) throw IoError(path, "write failed (disk full?)");
  });
}

std::string resolve_path(const std::string& base, const std::string& p) {
  fs::path q(p);
  return (q.is_absolute() ? q : fs::path(base) / q).lexically_normal().string();
}

std::string case_id(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  const std::string e = file_extension(path);
  return name.substr(0, name.size() - std::min(name.size(), e.size()));
}

}  // namespace medcnn
