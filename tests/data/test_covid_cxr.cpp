// The Figure 1 COVID-19 chest X-ray set through CsvOptions (label column,
// image pattern, Latin-1, positive class) against Python's csv module
// (tests/oracles/covid_cxr.py), and the options on small hand-made manifests.
#include <torch/torch.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "medcnn/core/error.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/files.h"
#include "medcnn/io/image_io.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::expect_error;
using medcnn::test::has;
namespace fs = std::filesystem;
using nlohmann::json;
using medcnn::test::write_text;

namespace {

// What a config's [data] table holds for this set.
json covid_options() {
  return {{"label_column", "finding"},
          {"image_pattern", "images/{patientid}.*"},
          {"positive", "COVID-19"}};
}

void put_png(const std::string& path, int h = 4, int w = 5) {
  fs::create_directories(fs::path(path).parent_path());
  write_image(path, Image(torch::full({1, h, w}, 7, torch::kUInt8), Geometry::identity(2),
                          PixelType::UInt8));
}

}  // namespace

TEST(CovidCxr, TwoClassesFromFindingMatchCsvModule) {
  MEDCNN_REQUIRE_DATA(root, "covid-cxr-figure1/metadata.csv");
  const std::string folder = fs::path(root).parent_path().string();
  auto o = test::run_oracle("covid_cxr.py", {folder});
  ASSERT_FALSE(o.is_null());
  auto ds = open_dataset(root, "", covid_options());
  const auto* csv = dynamic_cast<const CsvDataset*>(ds.get());
  ASSERT_TRUE(csv);
  EXPECT_EQ(ds->class_names(), (std::vector<std::string>{"other", "COVID-19"}));
  const auto& labelled = o["labelled"];
  ASSERT_EQ(ds->size(), labelled.size());  // rows with an empty finding are left out
  EXPECT_EQ(csv->dropped_unlabelled(), o["counts"][""].get<size_t>());
  const auto labels = ds->labels();
  int64_t positives = 0;
  for (size_t i = 0; i < labelled.size(); ++i) {
    EXPECT_EQ(labels[i], labelled[i][1].get<int64_t>()) << "row " << i;
    positives += labels[i];
  }
  EXPECT_EQ(positives, o["counts"]["COVID-19"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(labels.size()) - positives,
            o["counts"]["No finding"].get<int64_t>() + o["counts"]["Pneumonia"].get<int64_t>());

  // Ids, the resolved file of each row; pixels of a grey PNG and an RGB JPEG
  // as stored.
  int checked = 0;
  for (size_t i = 0; i < labelled.size(); ++i) {
    const std::string pid = labelled[i][0];
    if (pid != "COVID-00048" && pid != "COVID-00001") continue;
    ++checked;
    Sample s = ds->get(i);
    EXPECT_EQ(s.id, pid);
    EXPECT_EQ(fs::path(s.meta.at("image_path")).filename().string(),
              o["files"][pid][0].get<std::string>());
    const auto& shape = o["shapes"][pid];
    EXPECT_EQ(s.image.dims(), 2);
    EXPECT_EQ(s.image.size()[0], shape[0].get<int64_t>()) << pid;  // width
    EXPECT_EQ(s.image.size()[1], shape[1].get<int64_t>()) << pid;  // height
    EXPECT_EQ(s.image.channels(), shape[2].get<int64_t>()) << pid;
  }
  EXPECT_EQ(checked, 2);
  EXPECT_TRUE(has(ds->describe(), "15 unlabelled rows left out")) << ds->describe();
}

TEST(CovidCxr, UnlabelledRowsKeptForPredict) {
  MEDCNN_REQUIRE_DATA(root, "covid-cxr-figure1/metadata.csv");
  auto o = test::run_oracle("covid_cxr.py", {fs::path(root).parent_path().string()});
  ASSERT_FALSE(o.is_null());
  json opts = covid_options();
  opts["unlabelled"] = "keep";
  auto ds = open_dataset(root, "", opts);
  ASSERT_EQ(ds->size(), o["ids"].size());
  const auto labels = ds->labels();
  EXPECT_EQ(std::count(labels.begin(), labels.end(), -1), o["counts"][""].get<int64_t>());
  // One file per row; Latin-1 notes (a degree sign in COVID-00007) arrive as UTF-8.
  int notes = 0;
  for (size_t i = 0; i < ds->size(); ++i) {
    const std::string pid = o["ids"][i];
    ASSERT_EQ(o["files"][pid].size(), 1u) << pid;
    if (!o["notes"].contains(pid)) continue;
    ++notes;
    Sample s = ds->get(i);
    EXPECT_EQ(s.id, pid);
    EXPECT_EQ(s.meta.at("notes"), o["notes"][pid].get<std::string>()) << pid;
  }
  EXPECT_EQ(notes, 2);
  // Strict UTF-8 refuses the Latin-1 file, naming the line.
  opts["encoding"] = "utf-8";
  auto m = expect_error<FormatError>([&] { open_dataset(root, "", opts); });
  EXPECT_TRUE(has(m, "metadata.csv") && has(m, "line ") && has(m, "latin-1")) << m;
}

TEST(CsvOptions, PatternPositiveLatin1AndUnlabelledOnAHandMadeManifest) {
  test::TempDir tmp;
  put_png(tmp.file("img/p1.png"));
  put_png(tmp.file("img/p2.png"));
  put_png(tmp.file("img/p3.png"));
  put_png(tmp.file("img/p4.png"));
  // Latin-1: "caf\xE9" = "café"; row p4 has no finding.
  write_text(tmp.file("meta.csv"),
             "PatientID,Finding,Note\n"
             "p1,COVID-19,caf\xE9\n"
             "p2,Pneumonia,x\n"
             "p3,SARS,y\n"
             "p4,,z\n");
  CsvOptions opt;
  opt.label_column = "Finding";
  opt.image_pattern = "img/{patientid}.*";
  opt.positive = {"COVID-19", "SARS"};
  opt.positive_name = "viral";
  CsvDataset ds(tmp.file("meta.csv"), opt);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"other", "viral"}));
  EXPECT_EQ(ds.labels(), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(ds.dropped_unlabelled(), 1u);
  Sample s = ds.get(0);
  EXPECT_EQ(s.id, "p1");
  EXPECT_EQ(s.meta.at("note"), "caf\xC3\xA9");  // UTF-8
  EXPECT_EQ(s.meta.at("patientid"), "p1");
  EXPECT_EQ(s.meta.count("finding"), 0u);
  opt.unlabelled = "keep";
  EXPECT_EQ(CsvDataset(tmp.file("meta.csv"), opt).labels(), (std::vector<int64_t>{1, 0, 1, -1}));
  // Without `positive`, names are sorted into indices and unlabelled rows kept.
  CsvOptions names;
  names.label_column = "finding";
  names.image_pattern = "img/{PatientID}.png";
  CsvDataset plain(tmp.file("meta.csv"), names);
  EXPECT_EQ(plain.class_names(), (std::vector<std::string>{"COVID-19", "Pneumonia", "SARS"}));
  EXPECT_EQ(plain.labels(), (std::vector<int64_t>{0, 1, 2, -1}));
}

TEST(CsvOptions, MissingAmbiguousImagesAndBadOptionsAreNamed) {
  test::TempDir tmp;
  put_png(tmp.file("images/a.png"));
  put_png(tmp.file("images/b.png"));
  put_png(tmp.file("images/b.jpg"));
  write_text(tmp.file("m.csv"), "patientid,finding\na,COVID-19\nc,other\n");
  const json opts = {{"label_column", "finding"}, {"image_pattern", "images/{patientid}.*"},
                     {"positive", "COVID-19"}};
  auto m = expect_error<DataError>([&] { open_dataset(tmp.file("m.csv"), "", opts); });
  EXPECT_TRUE(has(m, tmp.file("m.csv")) && has(m, "line 3") && has(m, "images/c.*")) << m;
  write_text(tmp.file("n.csv"), "patientid,finding\nb,COVID-19\n");
  auto m2 = expect_error<DataError>([&] { open_dataset(tmp.file("n.csv"), "", opts); });
  EXPECT_TRUE(has(m2, "line 2") && has(m2, "b.jpg") && has(m2, "b.png")) << m2;
  // Without a wildcard the path is checked as it is.
  json literal = opts;
  literal["image_pattern"] = "images/{patientid}.jpg";
  auto m3 = expect_error<DataError>([&] { open_dataset(tmp.file("m.csv"), "", literal); });
  EXPECT_TRUE(has(m3, "line 2") && has(m3, "images/a.jpg")) << m3;

  json bad_col = opts;
  bad_col["label_column"] = "diagnosis";
  auto m4 = expect_error<DataError>([&] { open_dataset(tmp.file("m.csv"), "", bad_col); });
  EXPECT_TRUE(has(m4, "diagnosis") && has(m4, "patientid, finding")) << m4;
  json bad_ref = opts;
  bad_ref["image_pattern"] = "images/{pid}.*";
  auto m5 = expect_error<DataError>([&] { open_dataset(tmp.file("m.csv"), "", bad_ref); });
  EXPECT_TRUE(has(m5, "'pid'")) << m5;
  json unknown = opts;
  unknown["positve"] = "x";
  auto m6 = expect_error<ConfigError>([&] { open_dataset(tmp.file("m.csv"), "", unknown); });
  EXPECT_TRUE(has(m6, "data.positve") && has(m6, "positive")) << m6;
  json enc = opts;
  enc["encoding"] = "cp1252";
  auto m7 = expect_error<ConfigError>([&] { open_dataset(tmp.file("m.csv"), "", enc); });
  EXPECT_TRUE(has(m7, "cp1252")) << m7;
  // Options that no source of this kind takes.
  auto m8 = expect_error<ConfigError>(
      [&] { open_dataset(tmp.file("images"), "", {{"positive", "x"}}); });
  EXPECT_TRUE(has(m8, "data.positive")) << m8;
}
