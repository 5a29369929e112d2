// PhysioNet WFDB annotation files in MIT format (e.g. MIT-BIH "100.atr").
//
// read_wfdb_annotations(path) decodes the file as little-endian 16-bit words:
// the top 6 bits are a code, the low 10 bits an interval. Codes 1..49 are
// annotations: the running sample time advances by the interval and a new
// annotation starts. 59 (SKIP) advances the time by the signed 32-bit number
// in the next two words (high word first). 60 (NUM), 61 (SUB) and 62 (CHN)
// set the num, subtype and channel of the annotation before them (num and
// channel carry over to later annotations, as in the WFDB library); 63 (AUX)
// is followed by `interval` bytes of text, padded to an even count (rhythm
// annotations carry "(N", "(AFIB", ...). Code 0 with interval 0 ends the file.
// Returns the annotations in file order with absolute sample indices.
//
// wfdb_annotation_symbol(code): the standard symbol (ecgcodes.h of WFDB):
// 1 "N", 2 "L", 3 "R", 4 "a", 5 "V", 6 "F", 7 "J", 8 "A", 9 "S", 10 "E",
// 11 "j", 12 "/", 13 "Q", 14 "~", 16 "|", 18 "s", 19 "T", 20 "*", 21 "D",
// 22 "\"", 23 "=", 24 "p", 25 "B", 26 "^", 27 "t", 28 "+", 29 "u", 30 "?",
// 31 "!", 32 "[", 33 "]", 34 "e", 35 "n", 36 "@", 37 "x", 38 "f", 39 "(",
// 40 ")", 41 "r"; "" for codes without one (0, 15, 17, 42..49: local codes).
//
// Errors: IoError for a missing or unreadable file; FormatError naming the
// file (and the byte offset) for an odd byte count, a SKIP or AUX running
// past the end, a modifier before any annotation, an undefined code (50..58),
// or a file that stops before the end word (truncated).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace medcnn {

struct WfdbAnnotation {
  int64_t sample = 0;  // absolute sample index in the record
  int code = 0;        // MIT annotation code, 0..49
  std::string symbol;  // "N", "V", "+", ... ("" where the code has none)
  int subtype = 0;
  int channel = 0;
  int num = 0;
  std::string aux;  // AUX text without trailing NULs ("" if none)
};

const char* wfdb_annotation_symbol(int code);
std::vector<WfdbAnnotation> read_wfdb_annotations(const std::string& atr_path);

}  // namespace medcnn
