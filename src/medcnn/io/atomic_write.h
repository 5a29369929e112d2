// Private to io/: write a file under a temporary name and rename it into place.
//
// write_atomically(path, write): calls write(tmp) with tmp =
// "<dir>/.<name>.tmpXXXXXX<ext>" (same folder, same compound extension, so a
// writer that picks its format from the extension still sees the right one),
// then renames tmp to path. If write throws, or the rename fails, tmp is
// removed and the exception propagates (an IoError for a failed rename), so a
// failed write never leaves a half file nor a temporary behind.
// Throws IoError naming path when its folder does not exist.
//
// write_atomically_set(path, write): for formats that write several files
// (MetaImage .mhd + .raw, NRRD .nhdr + data): write(tmp) gets
// "<dir>/.<name>.tmpXXXXXX/<name><ext>" inside a fresh temporary folder; every
// file written there is moved into <dir> (the named file last) and the
// temporary folder removed.
#pragma once
#include <functional>
#include <string>

namespace medcnn::io_detail {

void write_atomically(const std::string& path, const std::function<void(const std::string& tmp)>& write);
void write_atomically_set(const std::string& path,
                          const std::function<void(const std::string& tmp)>& write);

}  // namespace medcnn::io_detail
