#include "medcnn/io/npz.h"
#include "medcnn/io/files.h"

#include <zip.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/atomic_write.h"

namespace fs = std::filesystem;

namespace medcnn {
namespace {

// ---- .npy header -------------------------------------------------------

struct NpyHeader {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

// A tiny reader for the Python dict literal of a .npy header:
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class DictParser {
 public:
  DictParser(const std::string& s, std::string where) : s_(s), where_(std::move(where)) {}

  NpyHeader parse() {
    NpyHeader h;
    bool got_descr = false, got_order = false, got_shape = false;
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      skip();
      if (key == "descr") {
        if (peek() == '[') fail("structured dtypes (a list in 'descr') are not supported");
        h.descr = quoted();
        got_descr = true;
      } else if (key == "fortran_order") {
        h.fortran = boolean();
        got_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        got_shape = true;
      } else {
        fail("unexpected key '" + key + "' in the .npy header");
      }
      skip();
      if (peek() == ',') ++i_;
    }
    if (!got_descr || !got_order || !got_shape)
      fail("the .npy header lacks 'descr', 'fortran_order' or 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const { throw FormatError(where_, why); }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  char peek() {
    skip();
    if (i_ >= s_.size()) fail("the .npy header ends early");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("bad .npy header: expected '") + c + "' at " + std::to_string(i_));
    ++i_;
  }
  std::string quoted() {
    const char q = peek();
    if (q != '\'' && q != '"') fail("bad .npy header: expected a quoted string at " + std::to_string(i_));
    const size_t end = s_.find(q, i_ + 1);
    if (end == std::string::npos) fail("bad .npy header: unterminated string");
    std::string out = s_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return out;
  }
  bool boolean() {
    skip();
    if (s_.compare(i_, 4, "True") == 0) { i_ += 4; return true; }
    if (s_.compare(i_, 5, "False") == 0) { i_ += 5; return false; }
    fail("bad .npy header: 'fortran_order' is not True or False");
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> out;
    while (true) {
      if (peek() == ')') { ++i_; break; }
      size_t start = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (start == i_) fail("bad .npy header: 'shape' holds a non-integer");
      out.push_back(std::stoll(s_.substr(start, i_ - start)));
      if (peek() == 'L') ++i_;  // Python 2 long suffix
      if (peek() == ',') ++i_;
    }
    return out;
  }

  const std::string& s_;
  std::string where_;
  size_t i_ = 0;
};

NpyHeader parse_header(const std::string& bytes, const std::string& where) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    throw FormatError(where, "not a .npy array (no \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t len, start;
  if (major == 1) {
    len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw FormatError(where, "truncated .npy header");
    len = 0;
    for (int i = 0; i < 4; ++i) len |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  } else {
    throw FormatError(where, ".npy format version " + std::to_string(major) + " is not supported");
  }
  if (start + len > bytes.size()) throw FormatError(where, "truncated .npy header");
  NpyHeader h = DictParser(bytes.substr(start, len), where).parse();
  h.data_offset = start + len;
  return h;
}

struct DtypeInfo {
  c10::ScalarType file_dtype;     // dtype with the file's bytes (Undefined: convert)
  c10::ScalarType result_dtype;   // dtype returned
  size_t item = 0;
  char kind = 0;  // 'b', 'u', 'i', 'f'
  bool big_endian = false;
};

DtypeInfo dtype_info(const std::string& descr, const std::string& where) {
  if (descr.size() < 3) throw FormatError(where, "unsupported dtype '" + descr + "'");
  const char order = descr[0], kind = descr[1];
  const std::string size_str = descr.substr(2);
  if (order != '<' && order != '>' && order != '|' && order != '=')
    throw FormatError(where, "unsupported dtype '" + descr + "'");
  if (!std::all_of(size_str.begin(), size_str.end(), ::isdigit))
    throw FormatError(where, "unsupported dtype '" + descr + "'");
  const int size = std::stoi(size_str);
  DtypeInfo d;
  d.item = static_cast<size_t>(size);
  d.kind = kind;
  d.big_endian = order == '>';
  const auto U = c10::ScalarType::Undefined;
  if (kind == 'b' && size == 1) { d.file_dtype = c10::kBool; d.result_dtype = c10::kBool; }
  else if (kind == 'u' && size == 1) { d.file_dtype = c10::kByte; d.result_dtype = c10::kByte; }
  else if (kind == 'i' && size == 1) { d.file_dtype = c10::kChar; d.result_dtype = c10::kChar; }
  else if (kind == 'u' && size == 2) { d.file_dtype = U; d.result_dtype = c10::kInt; }
  else if (kind == 'i' && size == 2) { d.file_dtype = c10::kShort; d.result_dtype = c10::kShort; }
  else if (kind == 'u' && size == 4) { d.file_dtype = U; d.result_dtype = c10::kLong; }
  else if (kind == 'i' && size == 4) { d.file_dtype = c10::kInt; d.result_dtype = c10::kInt; }
  else if (kind == 'u' && size == 8) { d.file_dtype = U; d.result_dtype = c10::kLong; }
  else if (kind == 'i' && size == 8) { d.file_dtype = c10::kLong; d.result_dtype = c10::kLong; }
  else if (kind == 'f' && size == 2) { d.file_dtype = c10::kHalf; d.result_dtype = c10::kHalf; }
  else if (kind == 'f' && size == 4) { d.file_dtype = c10::kFloat; d.result_dtype = c10::kFloat; }
  else if (kind == 'f' && size == 8) { d.file_dtype = c10::kDouble; d.result_dtype = c10::kDouble; }
  else throw FormatError(where, "unsupported dtype '" + descr + "'");
  return d;
}

at::Tensor parse_npy(const std::string& bytes, const std::string& where) {
  const NpyHeader h = parse_header(bytes, where);
  const DtypeInfo d = dtype_info(h.descr, where);
  int64_t n = 1;
  for (int64_t s : h.shape) {
    if (s < 0) throw FormatError(where, "negative size in 'shape'");
    n *= s;
  }
  const size_t need = static_cast<size_t>(n) * d.item;
  if (h.data_offset + need > bytes.size())
    throw FormatError(where, "truncated array data (" + std::to_string(bytes.size() - h.data_offset) +
                                 " of " + std::to_string(need) + " bytes)");
  std::string data = bytes.substr(h.data_offset, need);
  if (d.big_endian && d.item > 1)
    for (size_t i = 0; i < need; i += d.item) std::reverse(data.begin() + i, data.begin() + i + d.item);

  // Fortran order: the bytes are the transposed array in C order.
  std::vector<int64_t> shape = h.shape;
  if (h.fortran) std::reverse(shape.begin(), shape.end());
  at::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(d.result_dtype));
  if (d.file_dtype != c10::ScalarType::Undefined) {
    if (need) std::memcpy(t.data_ptr(), data.data(), need);
    if (d.file_dtype == c10::kBool) {
      const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
      if (std::any_of(p, p + n, [](uint8_t v) { return v > 1; }))
        throw FormatError(where, "bool array holds values other than 0 and 1");
    }
  } else if (d.item == 2) {
    const uint16_t* s = reinterpret_cast<const uint16_t*>(data.data());
    int32_t* o = t.data_ptr<int32_t>();
    for (int64_t i = 0; i < n; ++i) o[i] = s[i];
  } else if (d.item == 4) {
    const uint32_t* s = reinterpret_cast<const uint32_t*>(data.data());
    int64_t* o = t.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) o[i] = s[i];
  } else {
    const uint64_t* s = reinterpret_cast<const uint64_t*>(data.data());
    int64_t* o = t.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (s[i] > static_cast<uint64_t>(INT64_MAX))
        throw FormatError(where, "uint64 value " + std::to_string(s[i]) + " does not fit int64");
      o[i] = static_cast<int64_t>(s[i]);
    }
  }
  if (h.fortran && t.dim() > 1) {
    std::vector<int64_t> perm(t.dim());
    for (int64_t i = 0; i < t.dim(); ++i) perm[i] = t.dim() - 1 - i;
    t = t.permute(perm).contiguous();
  }
  return t;
}

std::string npy_bytes(const at::Tensor& tensor, const std::string& where) {
  at::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
  std::string descr;
  switch (t.scalar_type()) {
    case c10::kBool: descr = "|b1"; break;
    case c10::kByte: descr = "|u1"; break;
    case c10::kChar: descr = "|i1"; break;
    case c10::kShort: descr = "<i2"; break;
    case c10::kInt: descr = "<i4"; break;
    case c10::kLong: descr = "<i8"; break;
    case c10::kHalf: descr = "<f2"; break;
    case c10::kFloat: descr = "<f4"; break;
    case c10::kDouble: descr = "<f8"; break;
    default:
      throw FormatError(where, std::string("cannot write dtype ") + c10::toString(t.scalar_type()) +
                                   " to .npy");
  }
  std::string shape = "(";
  for (int64_t i = 0; i < t.dim(); ++i) shape += std::to_string(t.size(i)) + (t.dim() == 1 ? "," : i + 1 < t.dim() ? ", " : "");
  shape += ")";
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts on a 64-byte boundary; the header ends in '\n'.
  size_t total = 10 + dict.size() + 1;
  dict += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>((dict.size() >> 8) & 0xff);
  out += dict;
  out.append(static_cast<const char*>(t.data_ptr()), static_cast<size_t>(t.numel()) * t.element_size());
  return out;
}

// ---- zip ---------------------------------------------------------------

struct Archive {
  zip_t* z = nullptr;
  ~Archive() {
    if (z) zip_discard(z);
  }
};

void open_archive(const std::string& path, Archive& a) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path, "no such file or folder");
  if (fs::is_directory(path, ec)) throw IoError(path, "is a folder, not an .npz file");
  int err = 0;
  a.z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!a.z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    if (err == ZIP_ER_OPEN || err == ZIP_ER_READ) throw IoError(path, "cannot read: " + why);
    throw FormatError(path, "not a readable .npz (zip) archive: " + why);
  }
}

std::string key_of(const std::string& entry) {
  if (entry.size() > 4 && entry.compare(entry.size() - 4, 4, ".npy") == 0)
    return entry.substr(0, entry.size() - 4);
  return entry;
}

std::vector<std::string> keys_of(const Archive& a) {
  std::vector<std::string> keys;
  const zip_int64_t n = zip_get_num_entries(a.z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(a.z, static_cast<zip_uint64_t>(i), 0);
    if (name && name[0] && name[std::strlen(name) - 1] != '/') keys.push_back(key_of(name));
  }
  return keys;
}

std::string entry_bytes(const Archive& a, zip_uint64_t index, const std::string& path,
                        const std::string& key) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(a.z, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw FormatError(path, "array '" + key + "': cannot read its zip entry");
  zip_file_t* f = zip_fopen_index(a.z, index, 0);
  if (!f)
    throw FormatError(path, "array '" + key + "': cannot open its zip entry: " + zip_strerror(a.z));
  std::string bytes(static_cast<size_t>(st.size), '\0');
  const zip_int64_t got = bytes.empty() ? 0 : zip_fread(f, bytes.data(), st.size);
  std::string why = got < 0 ? zip_file_strerror(f) : "";
  zip_fclose(f);
  if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
    throw FormatError(path, "array '" + key + "': corrupt or truncated zip entry" +
                                (why.empty() ? "" : " (" + why + ")"));
  return bytes;
}

std::string join_keys(const std::vector<std::string>& keys) {
  if (keys.empty()) return "none";
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

}  // namespace

std::vector<std::string> npz_keys(const std::string& path) {
  Archive a;
  open_archive(path, a);
  return keys_of(a);
}

at::Tensor read_npz_array(const std::string& path, const std::string& key) {
  Archive a;
  open_archive(path, a);
  zip_int64_t index = zip_name_locate(a.z, (key + ".npy").c_str(), 0);
  if (index < 0) index = zip_name_locate(a.z, key.c_str(), 0);
  if (index < 0)
    throw FormatError(path, "no array '" + key + "' (keys present: " + join_keys(keys_of(a)) + ")");
  const std::string bytes = entry_bytes(a, static_cast<zip_uint64_t>(index), path, key);
  return parse_npy(bytes, path + " [" + key + "]");
}

std::map<std::string, at::Tensor> read_npz(const std::string& path) {
  Archive a;
  open_archive(path, a);
  std::map<std::string, at::Tensor> out;
  const zip_int64_t n = zip_get_num_entries(a.z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(a.z, static_cast<zip_uint64_t>(i), 0);
    if (!name || !name[0] || name[std::strlen(name) - 1] == '/') continue;
    const std::string key = key_of(name);
    out[key] = parse_npy(entry_bytes(a, static_cast<zip_uint64_t>(i), path, key), path + " [" + key + "]");
  }
  return out;
}

at::Tensor read_npy(const std::string& path) {
  return parse_npy(read_file(path), path);
}

void write_npz(const std::string& path, const std::map<std::string, at::Tensor>& arrays) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [key, t] : arrays) {
    if (key.empty()) throw FormatError(path, "an array has an empty key");
    if (!t.defined()) throw FormatError(path, "array '" + key + "' is undefined");
    entries.emplace_back(key + ".npy", npy_bytes(t, path + " [" + key + "]"));
  }
  io_detail::write_atomically(path, [&](const std::string& tmp) {
    int err = 0;
    zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, err);
      std::string why = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      throw IoError(path, "cannot create: " + why);
    }
    for (const auto& [name, bytes] : entries) {
      zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
      zip_int64_t idx = src ? zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) : -1;
      if (idx < 0) {
        if (src) zip_source_free(src);
        std::string why = zip_strerror(z);
        zip_discard(z);
        throw IoError(path, "cannot add '" + name + "': " + why);
      }
      zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0) {
      std::string why = zip_strerror(z);
      zip_discard(z);
      throw IoError(path, "cannot write: " + why);
    }
    // An archive without entries is not written by libzip: write an empty zip.
    std::error_code ec;
    if (entries.empty() && !fs::exists(tmp, ec)) {
      std::ofstream out(tmp, std::ios::binary);
      static const char eocd[22] = {'P', 'K', 5, 6};
      out.write(eocd, sizeof eocd);
      if (!out) throw IoError(path, "cannot write");
    }
  });
}

}  // namespace medcnn
