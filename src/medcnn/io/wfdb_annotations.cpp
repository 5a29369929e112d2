// MIT-format WFDB annotation reader. See wfdb_annotations.h for the contract.
#include "medcnn/io/wfdb_annotations.h"

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"

namespace medcnn {

namespace {

constexpr int kMaxAnnotationCode = 49;  // ACMAX in WFDB's ecgcodes.h
constexpr int kSkip = 59, kNum = 60, kSub = 61, kChn = 62, kAux = 63;

}  // namespace

const char* wfdb_annotation_symbol(int code) {
  static const char* const table[kMaxAnnotationCode + 1] = {
      "",  "N", "L", "R", "a", "V", "F", "J", "A", "S",   // 0-9
      "E", "j", "/", "Q", "~", "",  "|", "",  "s", "T",   // 10-19
      "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u",  // 20-29
      "?", "!", "[", "]", "e", "n", "@", "x", "f", "(",   // 30-39
      ")", "r", "",  "",  "",  "",  "",  "",  "",  ""};   // 40-49
  return code >= 0 && code <= kMaxAnnotationCode ? table[code] : "";
}

std::vector<WfdbAnnotation> read_wfdb_annotations(const std::string& atr_path) {
  const std::string bytes = read_file(atr_path);
  const size_t n = bytes.size();
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])); };
  auto at = [&](size_t offset) { return "byte " + std::to_string(offset) + ": "; };
  auto word = [&](size_t offset) -> uint32_t {
    if (offset + 2 > n)
      throw FormatError(atr_path, at(offset) + "file ends inside an annotation (truncated " +
                                      "annotation file, " + std::to_string(n) + " bytes)");
    return byte(offset) | (byte(offset + 1) << 8);
  };

  std::vector<WfdbAnnotation> out;
  int64_t time = 0;
  int num = 0, channel = 0;
  size_t pos = 0;
  while (true) {
    if (pos >= n)
      throw FormatError(atr_path, at(pos) + "no end-of-annotations word (0x0000): the file is "
                                            "truncated after " + std::to_string(out.size()) +
                                            " annotations");
    const size_t here = pos;
    const uint32_t w = word(pos);
    pos += 2;
    const int code = static_cast<int>(w >> 10);
    const int value = static_cast<int>(w & 0x3FF);
    if (code == 0 && value == 0) break;
    if (code == kSkip) {
      const uint32_t hi = word(pos), lo = word(pos + 2);
      pos += 4;
      time += static_cast<int32_t>((hi << 16) | lo);
      continue;
    }
    if (code >= kNum) {
      if (out.empty())
        throw FormatError(atr_path, at(here) + "modifier code " + std::to_string(code) +
                                        " before any annotation (not an MIT annotation file?)");
      WfdbAnnotation& last = out.back();
      if (code == kNum) {
        num = value;
        last.num = value;
      } else if (code == kSub) {
        last.subtype = value;
      } else if (code == kChn) {
        channel = value;
        last.channel = value;
      } else {  // AUX: `value` bytes of text, padded to an even count
        const size_t padded = static_cast<size_t>(value + (value & 1));
        if (pos + padded > n)
          throw FormatError(atr_path, at(here) + "aux text of " + std::to_string(value) +
                                          " bytes runs past the end of the file (truncated)");
        std::string text = bytes.substr(pos, static_cast<size_t>(value));
        const size_t nul = text.find('\0');
        if (nul != std::string::npos) text.resize(nul);
        last.aux = text;
        pos += padded;
      }
      continue;
    }
    if (code > kMaxAnnotationCode)
      throw FormatError(atr_path, at(here) + "undefined annotation code " + std::to_string(code) +
                                      " (corrupt file?)");
    time += value;
    WfdbAnnotation a;
    a.sample = time;
    a.code = code;
    a.symbol = wfdb_annotation_symbol(code);
    a.num = num;
    a.channel = channel;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace medcnn
