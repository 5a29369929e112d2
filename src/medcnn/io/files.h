// Small file and path helpers shared by readers and data set sources.
//
// read_file(path): the whole file as bytes; IoError naming the path if it is
//   missing or unreadable.
// write_file_atomically(path, bytes): written under a temporary name in the
//   same folder, then renamed (never a half file); IoError on failure.
// resolve_path(base, p): p if absolute, else base/p, normalised.
// case_id(path): the file name without its (compound) extension, e.g.
//   "imagesTr/la_003.nii.gz" -> "la_003".
#pragma once
#include <string>

namespace medcnn {

std::string read_file(const std::string& path);
void write_file_atomically(const std::string& path, const std::string& bytes);
std::string resolve_path(const std::string& base, const std::string& p);
std::string case_id(const std::string& path);

}  // namespace medcnn
