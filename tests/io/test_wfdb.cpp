// WFDB (MIT-BIH) signals against an independent numpy decoding.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/io/wfdb.h"
#include "test_support.h"

using namespace medcnn;

TEST(Wfdb, MitBihRecord100MatchesNumpyDecoding) {
  MEDCNN_REQUIRE_DATA(hea, "mitbih-100/100.hea");
  Image im = read_wfdb(hea);
  auto o = test::run_oracle("io_wfdb.py", {hea});
  ASSERT_FALSE(o.is_null());
  EXPECT_EQ(im.dims(), 1);
  EXPECT_EQ(im.channels(), o["signals"].get<int64_t>());
  EXPECT_EQ(im.size()[0], o["samples"].get<int64_t>());
  EXPECT_NEAR(im.geometry.spacing[0], 1.0 / o["fs"].get<double>(), 1e-12);
  for (int i = 0; i < 2; ++i) {
    const auto& lead = o["leads"][i];
    for (int k = 0; k < 5; ++k) {
      EXPECT_NEAR(im.data[i][k].item<float>(), lead["head"][k].get<double>(), 1e-5);
      EXPECT_NEAR(im.data[i][1000 + k].item<float>(), lead["mid"][k].get<double>(), 1e-5);
    }
    EXPECT_NEAR(im.data[i].mean().item<double>(), lead["mean"].get<double>(), 1e-4);
    EXPECT_NEAR(im.data[i].std(false).item<double>(), lead["std"].get<double>(), 1e-4);
  }
  EXPECT_EQ(im.meta["leads"], "MLII,V5");
}

TEST(Wfdb, TruncatedSignalFileIsAFormatErrorNamingIt) {
  MEDCNN_REQUIRE_DATA(hea, "mitbih-100/100.hea");
  test::TempDir tmp;
  auto r = test::run_command("cp " + test::shell_quote(hea) + " " + tmp.file("100.hea") +
                             " && head -c 1000 " + test::shell_quote(hea.substr(0, hea.size() - 4) + ".dat") +
                             " > " + tmp.file("100.dat"));
  ASSERT_EQ(r.exit_code, 0);
  try {
    read_wfdb(tmp.file("100.hea"));
    FAIL() << "expected FormatError";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("100.dat"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_wfdb(tmp.file("nope.hea")), IoError);
}
