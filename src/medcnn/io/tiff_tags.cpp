#include "medcnn/io/tiff_tags.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <vector>

namespace medcnn::io_detail {
namespace {

constexpr uint16_t kXResolution = 282, kYResolution = 283, kResolutionUnit = 296;
constexpr uint16_t kRational = 5, kShort = 3;

struct Entry {
  uint16_t tag = 0, type = 0;
  uint32_t count = 0;
  uint32_t value = 0;           // the 4-byte value/offset field, decoded
  std::streamoff field_at = 0;  // where that field is in the file
};

class TiffFile {
 public:
  explicit TiffFile(std::fstream& f) : f_(f) {}

  bool open_first_ifd(std::vector<Entry>& entries) {
    char hdr[8];
    if (!read_at(0, hdr, 8)) return false;
    if (hdr[0] == 'I' && hdr[1] == 'I') little_ = true;
    else if (hdr[0] == 'M' && hdr[1] == 'M') little_ = false;
    else return false;
    if (u16(hdr + 2) != 42) return false;  // 43 = BigTIFF: not handled
    uint32_t ifd = u32(hdr + 4);
    char cnt[2];
    if (!read_at(ifd, cnt, 2)) return false;
    const uint16_t n = u16(cnt);
    if (n == 0 || n > 4096) return false;
    std::vector<char> buf(static_cast<size_t>(n) * 12);
    if (!read_at(ifd + 2, buf.data(), buf.size())) return false;
    for (uint16_t i = 0; i < n; ++i) {
      const char* e = buf.data() + i * 12;
      Entry en;
      en.tag = u16(e);
      en.type = u16(e + 2);
      en.count = u32(e + 4);
      en.value = en.type == kShort && en.count == 1 ? u16(e + 8) : u32(e + 8);
      en.field_at = static_cast<std::streamoff>(ifd) + 2 + i * 12 + 8;
      entries.push_back(en);
    }
    return true;
  }

  bool read_rational(const Entry& e, double& v) {
    if (e.type != kRational || e.count != 1) return false;
    char b[8];
    if (!read_at(e.value, b, 8)) return false;
    const uint32_t num = u32(b), den = u32(b + 4);
    if (den == 0) return false;
    v = static_cast<double>(num) / den;
    return true;
  }

  bool write_rational(const Entry& e, uint32_t num, uint32_t den) {
    if (e.type != kRational || e.count != 1) return false;
    char b[8];
    put32(b, num);
    put32(b + 4, den);
    f_.clear();
    f_.seekp(e.value);
    f_.write(b, 8);
    return static_cast<bool>(f_);
  }

  bool write_short_field(const Entry& e, uint16_t v) {
    if (e.type != kShort || e.count != 1) return false;
    char b[2];
    if (little_) { b[0] = char(v & 0xff); b[1] = char(v >> 8); }
    else { b[0] = char(v >> 8); b[1] = char(v & 0xff); }
    f_.clear();
    f_.seekp(e.field_at);
    f_.write(b, 2);
    return static_cast<bool>(f_);
  }

 private:
  bool read_at(std::streamoff off, char* dst, size_t n) {
    f_.clear();
    f_.seekg(off);
    f_.read(dst, static_cast<std::streamsize>(n));
    return static_cast<size_t>(f_.gcount()) == n;
  }
  uint16_t u16(const char* p) const {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return little_ ? uint16_t(b[0] | b[1] << 8) : uint16_t(b[0] << 8 | b[1]);
  }
  uint32_t u32(const char* p) const {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return little_ ? uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24
                   : uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
  }
  void put32(char* p, uint32_t v) const {
    for (int i = 0; i < 4; ++i) {
      const int shift = little_ ? 8 * i : 8 * (3 - i);
      p[i] = static_cast<char>((v >> shift) & 0xff);
    }
  }

  std::fstream& f_;
  bool little_ = true;
};

const Entry* find(const std::vector<Entry>& es, uint16_t tag) {
  for (const auto& e : es)
    if (e.tag == tag) return &e;
  return nullptr;
}

}  // namespace

std::optional<std::array<double, 2>> read_tiff_spacing(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::binary);
  if (!f) return std::nullopt;
  TiffFile tiff(f);
  std::vector<Entry> es;
  if (!tiff.open_first_ifd(es)) return std::nullopt;
  const Entry* xr = find(es, kXResolution);
  const Entry* yr = find(es, kYResolution);
  const Entry* unit = find(es, kResolutionUnit);
  const uint32_t u = unit ? unit->value : 2;  // TIFF default: inch
  double mm_per_unit;
  if (u == 2) mm_per_unit = 25.4;
  else if (u == 3) mm_per_unit = 10.0;
  else return std::nullopt;
  double x = 0, y = 0;
  if (!xr || !tiff.read_rational(*xr, x) || !(x > 0)) return std::nullopt;
  if (!yr || !tiff.read_rational(*yr, y) || !(y > 0)) y = x;
  return std::array<double, 2>{mm_per_unit / x, mm_per_unit / y};
}

bool patch_tiff_spacing(const std::string& path, double sx, double sy) {
  if (!(sx > 0) || !(sy > 0)) return false;
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!f) return false;
  TiffFile tiff(f);
  std::vector<Entry> es;
  if (!tiff.open_first_ifd(es)) return false;
  const Entry* xr = find(es, kXResolution);
  const Entry* yr = find(es, kYResolution);
  const Entry* unit = find(es, kResolutionUnit);
  if (!xr || !yr || !unit) return false;
  // pixels per cm = 10 / spacing_mm = (10 * K) / (spacing_mm * K)
  auto fraction = [](double s, uint32_t& num, uint32_t& den) {
    double k = 1e6;
    while (k > 1 && s * k > 4.0e9) k /= 10;
    num = static_cast<uint32_t>(10 * k > 4.0e9 ? 4.0e9 : 10 * k);
    den = static_cast<uint32_t>(std::llround(s * k));
    return den > 0;
  };
  uint32_t nx, dx, ny, dy;
  if (!fraction(sx, nx, dx) || !fraction(sy, ny, dy)) return false;
  return tiff.write_rational(*xr, nx, dx) && tiff.write_rational(*yr, ny, dy) &&
         tiff.write_short_field(*unit, 3);
}

}  // namespace medcnn::io_detail
