// WFDB MIT-format annotations against an independent numpy decoder
// (tests/oracles/wfdb_annotations.py) and a file built by hand.
#include <filesystem>
#include <map>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/io/wfdb_annotations.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::expect_error;
using medcnn::test::has;

namespace {

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(b);
  return s;
}

}  // namespace

TEST(WfdbAnnotations, MitBihRecord100MatchesNumpyDecoder) {
  MEDCNN_REQUIRE_DATA(atr, "mitbih-100/100.atr");
  const auto anns = read_wfdb_annotations(atr);
  auto o = test::run_oracle("wfdb_annotations.py", {atr});
  ASSERT_FALSE(o.is_null());
  ASSERT_EQ(static_cast<int64_t>(anns.size()), o["total"].get<int64_t>());
  std::map<std::string, int64_t> counts;
  for (const auto& a : anns) ++counts[a.symbol];
  std::map<std::string, int64_t> expected;
  for (const auto& [sym, n] : o["counts"].items()) expected[sym] = n.get<int64_t>();
  EXPECT_EQ(counts, expected);
  // The README's counts, decoded by hand there: N 2239, A 33, V 1, one '+'.
  EXPECT_EQ(counts["N"], 2239);
  EXPECT_EQ(counts["A"], 33);
  EXPECT_EQ(counts["V"], 1);
  EXPECT_EQ(counts["+"], 1);
  const size_t n = anns.size();
  for (size_t k = 0; k < 20; ++k) {
    EXPECT_EQ(anns[k].sample, o["first"][k][0].get<int64_t>()) << "annotation " << k;
    EXPECT_EQ(anns[k].symbol, o["first"][k][1].get<std::string>()) << "annotation " << k;
    EXPECT_EQ(anns[n - 20 + k].sample, o["last"][k][0].get<int64_t>()) << "from the end " << k;
    EXPECT_EQ(anns[n - 20 + k].symbol, o["last"][k][1].get<std::string>());
  }
  std::vector<std::pair<int64_t, std::string>> aux;
  for (const auto& a : anns)
    if (!a.aux.empty()) aux.emplace_back(a.sample, a.aux);
  ASSERT_EQ(aux.size(), o["aux"].size());
  for (size_t k = 0; k < aux.size(); ++k) {
    EXPECT_EQ(aux[k].first, o["aux"][k][0].get<int64_t>());
    EXPECT_EQ(aux[k].second, o["aux"][k][1].get<std::string>());
  }
  EXPECT_EQ(anns[0].aux, "(N");  // the rhythm marker opens normal sinus rhythm
  EXPECT_EQ(anns[0].code, 28);
}

TEST(WfdbAnnotations, HandBuiltFileWithSkipNumSubChnAux) {
  // Worked by hand: SKIP 100000, N +5 (sub 3, chan 1, num 7), V +1023,
  // '+' +2 with aux "(VT" (3 bytes, one pad byte), end word.
  test::TempDir tmp;
  const std::string path = tmp.file("x.atr");
  write_file_atomically(
      path, bytes({0x00, 0xEC, 0x01, 0x00, 0xA0, 0x86,  // SKIP, hi 0x0001, lo 0x86A0
                   0x05, 0x04,                          // N (1), interval 5
                   0x03, 0xF4, 0x01, 0xF8, 0x07, 0xF0,  // SUB 3, CHN 1, NUM 7
                   0xFF, 0x17,                          // V (5), interval 1023
                   0x02, 0x70,                          // + (28), interval 2
                   0x03, 0xFC, '(', 'V', 'T', 0x00,     // AUX 3 bytes + pad
                   0x00, 0x00}));
  const auto a = read_wfdb_annotations(path);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].sample, 100005);
  EXPECT_EQ(a[0].symbol, "N");
  EXPECT_EQ(a[0].subtype, 3);
  EXPECT_EQ(a[0].channel, 1);
  EXPECT_EQ(a[0].num, 7);
  EXPECT_EQ(a[1].sample, 101028);
  EXPECT_EQ(a[1].symbol, "V");
  EXPECT_EQ(a[1].subtype, 0);  // subtype does not carry over
  EXPECT_EQ(a[1].channel, 1);  // channel and num do
  EXPECT_EQ(a[1].num, 7);
  EXPECT_EQ(a[2].sample, 101030);
  EXPECT_EQ(a[2].symbol, "+");
  EXPECT_EQ(a[2].aux, "(VT");
  EXPECT_STREQ(wfdb_annotation_symbol(12), "/");
  EXPECT_STREQ(wfdb_annotation_symbol(22), "\"");
  EXPECT_STREQ(wfdb_annotation_symbol(15), "");
}

TEST(WfdbAnnotations, MissingTruncatedAndCorruptFilesAreNamed) {
  test::TempDir tmp;
  auto m0 = expect_error<IoError>([&] { read_wfdb_annotations(tmp.file("none.atr")); });
  EXPECT_TRUE(has(m0, "none.atr")) << m0;

  // Cut inside a word, and cut on a word boundary (no end word).
  const std::string one_n = bytes({0x05, 0x04});
  write_file_atomically(tmp.file("odd.atr"), one_n + bytes({0x05}));
  auto m1 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("odd.atr")); });
  EXPECT_TRUE(has(m1, "odd.atr") && has(m1, "truncated")) << m1;
  write_file_atomically(tmp.file("cut.atr"), one_n + one_n);
  auto m2 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("cut.atr")); });
  EXPECT_TRUE(has(m2, "cut.atr") && has(m2, "truncated")) << m2;
  // AUX longer than what is left; SKIP without its two words.
  write_file_atomically(tmp.file("aux.atr"), one_n + bytes({0x09, 0xFC, 'a', 'b'}));
  auto m3 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("aux.atr")); });
  EXPECT_TRUE(has(m3, "aux.atr") && has(m3, "aux text")) << m3;
  write_file_atomically(tmp.file("skip.atr"), bytes({0x00, 0xEC, 0x01, 0x00}));
  auto m4 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("skip.atr")); });
  EXPECT_TRUE(has(m4, "skip.atr")) << m4;
  // A modifier before any annotation; an undefined code (50).
  write_file_atomically(tmp.file("mod.atr"), bytes({0x03, 0xF4, 0x00, 0x00}));
  auto m5 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("mod.atr")); });
  EXPECT_TRUE(has(m5, "mod.atr") && has(m5, "before any annotation")) << m5;
  write_file_atomically(tmp.file("code.atr"), bytes({0x01, 0xC8, 0x00, 0x00}));
  auto m6 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("code.atr")); });
  EXPECT_TRUE(has(m6, "code.atr") && has(m6, "50")) << m6;

  // The real file cut short.
  MEDCNN_REQUIRE_DATA(atr, "mitbih-100/100.atr");
  const std::string whole = read_file(atr);
  write_file_atomically(tmp.file("100.atr"), whole.substr(0, 2000));
  auto m7 = expect_error<FormatError>([&] { read_wfdb_annotations(tmp.file("100.atr")); });
  EXPECT_TRUE(has(m7, tmp.file("100.atr")) && has(m7, "truncated")) << m7;
}
