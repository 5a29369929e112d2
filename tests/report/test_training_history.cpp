// read_training_history: a good CSV (values checked by hand) and every kind
// of malformed file, whose error names the file and the line.
#include <cmath>
#include <string>

#include "medcnn/core/error.h"
#include "medcnn/report/training_history.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::TempDir;
using medcnn::test::write_text;

namespace {

// The message of the FormatError that reading `csv` throws ("" if none).
std::string format_error(const std::string& csv, const std::string& path) {
  write_text(path, csv);
  try {
    read_training_history(path);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TrainingHistory, ReadsColumnsInOrderWithMissingCells) {
  TempDir dir;
  const std::string path = dir.file("metrics.csv");
  write_text(path,
             "epoch,lr,train_loss,val_loss,val_auc\r\n"
             "1,0.001,0.69,0.71,\r\n"
             "2, 0.0005 ,0.5,0.6,0.75\r\n"
             "3,1e-4,0.4,nan,NA\r\n"
             "\r\n");
  auto h = read_training_history(path);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].epoch, 1);
  EXPECT_EQ(h[2].epoch, 3);
  ASSERT_EQ(h[0].values.size(), 4u);
  EXPECT_EQ(h[0].values[0].first, "lr");
  EXPECT_EQ(h[0].values[3].first, "val_auc");
  EXPECT_DOUBLE_EQ(h[0].get("lr"), 0.001);
  EXPECT_DOUBLE_EQ(h[1].get("lr"), 0.0005);
  EXPECT_DOUBLE_EQ(h[2].get("lr"), 1e-4);
  EXPECT_DOUBLE_EQ(h[1].get("val_auc"), 0.75);
  EXPECT_TRUE(std::isnan(h[0].get("val_auc")));  // empty cell
  EXPECT_TRUE(std::isnan(h[2].get("val_loss")));  // "nan"
  EXPECT_TRUE(std::isnan(h[2].get("val_auc")));   // "NA"
  EXPECT_TRUE(h[0].has("val_auc"));
  EXPECT_FALSE(h[0].has("val_dice"));
  EXPECT_TRUE(std::isnan(h[0].get("val_dice")));
}

TEST(TrainingHistory, HeaderOnlyIsAnEmptyHistory) {
  TempDir dir;
  write_text(dir.file("h.csv"), "epoch,train_loss\n");
  EXPECT_TRUE(read_training_history(dir.file("h.csv")).empty());
}

TEST(TrainingHistory, MalformedRowsNameFileAndLine) {
  TempDir dir;
  const std::string p = dir.file("m.csv");
  std::string e = format_error("epoch,loss\n1,0.5\n2,0.4,0.3\n", p);
  EXPECT_NE(e.find(p + ":3"), std::string::npos) << e;
  EXPECT_NE(e.find("3 fields"), std::string::npos) << e;

  e = format_error("epoch,loss,val_loss\n1,0.5,abc\n", p);
  EXPECT_NE(e.find(p + ":2"), std::string::npos) << e;
  EXPECT_NE(e.find("val_loss"), std::string::npos) << e;
  EXPECT_NE(e.find("abc"), std::string::npos) << e;

  e = format_error("loss,epoch\n0.5,1\n", p);
  EXPECT_NE(e.find(p + ":1"), std::string::npos) << e;
  EXPECT_NE(e.find("epoch"), std::string::npos) << e;

  e = format_error("epoch,loss\n1.5,0.5\n", p);
  EXPECT_NE(e.find(p + ":2"), std::string::npos) << e;
  EXPECT_NE(e.find("not an integer"), std::string::npos) << e;

  e = format_error("epoch,loss,loss\n", p);
  EXPECT_NE(e.find("repeats"), std::string::npos) << e;

  e = format_error("", p);
  EXPECT_NE(e.find(p + ":1"), std::string::npos) << e;
  EXPECT_NE(e.find("empty"), std::string::npos) << e;
}

TEST(TrainingHistory, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THROW(read_training_history(dir.file("absent.csv")), IoError);
}
