#include "medcnn/io/atomic_write.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <vector>

#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn::io_detail {
namespace {

std::string random_suffix() {
  static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 gen{std::random_device{}()};
  std::string s;
  for (int i = 0; i < 6; ++i) s += chars[gen() % (sizeof chars - 1)];
  return s;
}

// Folder of path ("." when none) after checking it exists.
fs::path checked_folder(const std::string& path) {
  if (path.empty()) throw IoError("(empty path)", "cannot write to an empty path");
  fs::path p(path);
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw IoError(path, "cannot write: folder '" + dir.string() + "' does not exist");
  if (fs::is_directory(p, ec)) throw IoError(path, "cannot write: a folder has that name");
  return dir;
}

// "name.nii.gz" -> {"name", ".nii.gz"}
std::pair<std::string, std::string> split_name(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::string ext = file_extension(path);
  if (ext.size() > name.size()) ext.clear();
  return {name.substr(0, name.size() - ext.size()), name.substr(name.size() - ext.size())};
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

}  // namespace

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  fs::path dir = checked_folder(path);
  auto [stem, ext] = split_name(path);
  fs::path tmp;
  std::error_code ec;
  for (int attempt = 0;; ++attempt) {
    tmp = dir / ("." + stem + ".tmp" + random_suffix() + ext);
    if (!fs::exists(tmp, ec)) break;
    if (attempt > 100) throw IoError(path, "cannot find a free temporary name");
  }
  try {
    write(tmp.string());
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
  if (!fs::exists(tmp, ec)) throw IoError(path, "the writer produced no file");
  fs::rename(tmp, path, ec);
  if (ec) {
    remove_quietly(tmp);
    throw IoError(path, "cannot rename the temporary file into place: " + ec.message());
  }
}

void write_atomically_set(const std::string& path,
                          const std::function<void(const std::string&)>& write) {
  fs::path dir = checked_folder(path);
  auto [stem, ext] = split_name(path);
  std::error_code ec;
  fs::path tmpdir;
  for (int attempt = 0;; ++attempt) {
    tmpdir = dir / ("." + stem + ".tmp" + random_suffix());
    if (fs::create_directory(tmpdir, ec)) break;
    if (attempt > 100)
      throw IoError(path, "cannot create a temporary folder in '" + dir.string() + "'");
  }
  const fs::path main_file = tmpdir / (stem + ext);
  try {
    write(main_file.string());
    if (!fs::exists(main_file, ec)) throw IoError(path, "the writer produced no file");
    // Data files first, the header (the named file) last.
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(tmpdir)) {
      if (entry.path() != main_file) files.push_back(entry.path());
    }
    files.push_back(main_file);
    for (const auto& f : files) {
      fs::rename(f, dir / f.filename(), ec);
      if (ec)
        throw IoError(path, "cannot move '" + f.filename().string() + "' into place: " + ec.message());
    }
  } catch (...) {
    remove_quietly(tmpdir);
    throw;
  }
  remove_quietly(tmpdir);
}

}  // namespace medcnn::io_detail
