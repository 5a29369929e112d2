// COCO JSON and CSV box files: round trips, a COCO file written by Python's
// json module (tests/oracles/detection_numpy.py write-coco), our COCO read by
// Python (read-coco), the BCCD VOC annotations as COCO and CSV, malformed files.
#include <filesystem>
#include <fstream>
#include <set>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/box_files.h"
#include "medcnn/io/boxes.h"
#include "medcnn/io/files.h"
#include "test_support.h"

using namespace medcnn;
using nlohmann::json;

namespace {

Box box(double x0, double y0, double x1, double y1, int label, const std::string& name,
        float score = 1.0f) {
  Box b;
  b.lo = {x0, y0, 0};
  b.hi = {x1, y1, 0};
  b.label = label;
  b.class_name = name;
  b.score = score;
  return b;
}

// Three images (the second without boxes), fractional and one non-dyadic
// coordinate, three classes.
BoxAnnotations sample() {
  BoxAnnotations a;
  a.class_names = {"RBC", "WBC", "Platelets"};
  a.images = {"cells/a.jpg", "b, with comma.png", "c.png"};
  a.sizes = {{640, 480}, {0, 0}, {100, 80}};
  a.boxes = {{box(10, 20, 30.5, 40.25, 0, "RBC", 0.75f), box(0, 0, 1, 1, 2, "Platelets", 0.5f)},
             {},
             {box(0.1, 0.7, 99.9, 79.3, 1, "WBC", 0.3f), box(5, 5, 5, 6, 0, "RBC", 1.0f)}};
  return a;
}

void expect_same_boxes(const BoxAnnotations& got, const BoxAnnotations& want, bool scores,
                       double tol) {
  ASSERT_EQ(got.images, want.images);
  ASSERT_EQ(got.boxes.size(), want.boxes.size());
  for (size_t i = 0; i < want.boxes.size(); ++i) {
    ASSERT_EQ(got.boxes[i].size(), want.boxes[i].size()) << want.images[i];
    for (size_t k = 0; k < want.boxes[i].size(); ++k) {
      SCOPED_TRACE(want.images[i] + " box " + std::to_string(k));
      const Box& g = got.boxes[i][k];
      const Box& w = want.boxes[i][k];
      EXPECT_EQ(g.dims, w.dims);
      EXPECT_EQ(g.class_name, w.class_name);
      ASSERT_GE(g.label, 0);
      EXPECT_EQ(got.class_names[static_cast<size_t>(g.label)], w.class_name);
      for (int a = 0; a < w.dims; ++a) {
        EXPECT_NEAR(g.lo[a], w.lo[a], tol);
        EXPECT_NEAR(g.hi[a], w.hi[a], tol);
      }
      if (scores) {
        EXPECT_EQ(g.score, w.score);
      }
    }
  }
}

}  // namespace

TEST(IoBoxFiles, CocoDatasetRoundTrip) {
  test::TempDir tmp;
  const BoxAnnotations a = sample();
  write_coco_json(tmp.file("gt.json"), a);
  const BoxAnnotations b = read_coco_json(tmp.file("gt.json"));
  EXPECT_EQ(b.class_names, a.class_names);
  EXPECT_EQ(b.sizes, a.sizes);
  EXPECT_EQ(b.image_ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(b.category_ids, (std::vector<int64_t>{1, 2, 3}));
  // x + (hi - x) may differ from hi in the last bit for non-dyadic numbers.
  expect_same_boxes(b, a, false, 1e-12);
  EXPECT_EQ(b.boxes[0][0].hi[1], 40.25);  // dyadic: exact
  for (const auto& image : b.boxes)
    for (const Box& x : image) EXPECT_EQ(x.score, 1.0f);  // a dataset carries no scores
  // Our own ids are kept when writing again.
  BoxAnnotations c = b;
  c.image_ids = {30, 10, 20};
  c.category_ids = {7, 3, 5};
  write_coco_json(tmp.file("ids.json"), c);
  const BoxAnnotations d = read_coco_json(tmp.file("ids.json"));
  EXPECT_EQ(d.image_ids, c.image_ids);
  EXPECT_EQ(d.category_ids, (std::vector<int64_t>{3, 5, 7}));  // classes by ascending id
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"WBC", "Platelets", "RBC"}));
  expect_same_boxes(d, a, false, 1e-12);
}

TEST(IoBoxFiles, CocoResultsRoundTripWithScores) {
  test::TempDir tmp;
  const BoxAnnotations a = sample();
  write_coco_json(tmp.file("pred.json"), a, true);
  BoxAnnotations dataset = a;
  for (auto& image : dataset.boxes) image.clear();
  const BoxAnnotations b = read_coco_results(tmp.file("pred.json"), dataset);
  EXPECT_EQ(b.sizes, a.sizes);
  EXPECT_EQ(b.class_names, a.class_names);
  expect_same_boxes(b, a, true, 1e-12);
  // A results list is not a dataset.
  test::expect_error_naming<FormatError>([&] { read_coco_json(tmp.file("pred.json")); },
                                         tmp.file("pred.json"), "read_coco_results");
}

TEST(IoBoxFiles, OurCocoReadsBackInPythonJson) {
  test::TempDir tmp;
  const BoxAnnotations a = sample();
  write_coco_json(tmp.file("gt.json"), a);
  const json o = test::run_oracle("detection_numpy.py", {"read-coco", tmp.file("gt.json")});
  ASSERT_FALSE(o.is_null());
  ASSERT_EQ(o["images"].size(), 3u);
  EXPECT_EQ(o["images"][0]["file_name"], "cells/a.jpg");
  EXPECT_EQ(o["images"][0]["width"], 640);
  EXPECT_EQ(o["images"][1]["width"], 0);  // unknown size: not written
  EXPECT_EQ(o["categories"], json::parse(R"([[1, "RBC"], [2, "WBC"], [3, "Platelets"]])"));
  const json& anns = o["annotations"];
  ASSERT_EQ(anns["cells/a.jpg"].size(), 2u);
  EXPECT_TRUE(anns["b, with comma.png"].empty());
  const json& first = anns["cells/a.jpg"][0];
  EXPECT_EQ(first["category"], "RBC");
  EXPECT_EQ(first["bbox"], json::parse("[10.0, 20.0, 20.5, 20.25]"));  // x, y, width, height
  EXPECT_DOUBLE_EQ(first["area"].get<double>(), 20.5 * 20.25);
  EXPECT_EQ(first["iscrowd"], 0);
  std::set<int64_t> ids;
  for (const auto& [name, list] : anns.items())
    for (const auto& x : list) {
      EXPECT_GE(x["id"].get<int64_t>(), 1) << "pycocotools needs annotation ids >= 1";
      ids.insert(x["id"].get<int64_t>());
    }
  EXPECT_EQ(ids.size(), 4u);

  write_coco_json(tmp.file("pred.json"), a, true);
  const json r = test::run_oracle("detection_numpy.py", {"read-coco", tmp.file("pred.json")});
  ASSERT_FALSE(r.is_null());
  ASSERT_EQ(r["results"].size(), 4u);
  EXPECT_EQ(r["results"][0]["image_id"], 1);
  EXPECT_EQ(r["results"][0]["category_id"], 1);
  EXPECT_EQ(r["results"][0]["score"], 0.75);
  EXPECT_EQ(r["results"][2]["image_id"], 3);  // the second image has no boxes
  EXPECT_EQ(r["results"][2]["category_id"], 2);
  EXPECT_EQ(r["results"][2]["score"], 0.3);  // the float 0.3f written as 0.3
}

TEST(IoBoxFiles, ReadsCocoWrittenByPythonJson) {
  test::TempDir tmp;
  const std::string path = tmp.file("python.json");
  const json want = test::run_oracle("detection_numpy.py", {"write-coco", path});
  ASSERT_FALSE(want.is_null());
  const BoxAnnotations got = read_coco_json(path);
  EXPECT_EQ(json(got.images), want["images"]);
  EXPECT_EQ(json(got.image_ids), want["image_ids"]);
  EXPECT_EQ(json(got.class_names), want["class_names"]);
  EXPECT_EQ(json(got.category_ids), want["category_ids"]);
  ASSERT_EQ(got.sizes.size(), want["sizes"].size());
  for (size_t i = 0; i < got.sizes.size(); ++i) {
    EXPECT_EQ(got.sizes[i].first, want["sizes"][i][0].get<int>());
    EXPECT_EQ(got.sizes[i].second, want["sizes"][i][1].get<int>());
  }
  ASSERT_EQ(got.boxes.size(), want["boxes"].size());
  for (size_t i = 0; i < got.boxes.size(); ++i) {
    ASSERT_EQ(got.boxes[i].size(), want["boxes"][i].size());
    for (size_t k = 0; k < got.boxes[i].size(); ++k) {
      const Box& b = got.boxes[i][k];
      const json& w = want["boxes"][i][k];
      SCOPED_TRACE(got.images[i] + " box " + std::to_string(k));
      EXPECT_EQ(b.dims, 2);
      EXPECT_EQ(b.label, w["label"].get<int>());
      EXPECT_EQ(b.class_name, w["class_name"].get<std::string>());
      for (int a = 0; a < 2; ++a) {
        EXPECT_EQ(b.lo[a], w["lo"][a].get<double>());  // x + w computed the same way
        EXPECT_EQ(b.hi[a], w["hi"][a].get<double>());
      }
      EXPECT_EQ(b.score, static_cast<float>(w["score"].get<double>()));
    }
  }
}

TEST(IoBoxFiles, CsvRoundTrip) {
  test::TempDir tmp;
  const BoxAnnotations a = sample();
  write_box_csv(tmp.file("gt.csv"), a);
  const BoxAnnotations b = read_box_csv(tmp.file("gt.csv"));
  // Classes sorted by name when not given; coordinates exact (shortest text).
  EXPECT_EQ(b.class_names, (std::vector<std::string>{"Platelets", "RBC", "WBC"}));
  expect_same_boxes(b, a, false, 0.0);
  EXPECT_EQ(b.sizes, (std::vector<std::pair<int, int>>(3, {0, 0})));  // CSV has no sizes

  write_box_csv(tmp.file("pred.csv"), a, true);
  const BoxAnnotations c = read_box_csv(tmp.file("pred.csv"), a.class_names);
  EXPECT_EQ(c.class_names, a.class_names);
  expect_same_boxes(c, a, true, 0.0);
  for (size_t i = 0; i < a.boxes.size(); ++i)
    for (size_t k = 0; k < a.boxes[i].size(); ++k)
      EXPECT_EQ(c.boxes[i][k].label, a.boxes[i][k].label);
  // The text itself: header, quoting, an image without boxes.
  const std::string text = read_file(tmp.file("pred.csv"));
  EXPECT_TRUE(test::has(text, "image,class,xmin,ymin,xmax,ymax,score\n")) << text;
  EXPECT_TRUE(test::has(text, "cells/a.jpg,RBC,10,20,30.5,40.25,0.75\n")) << text;
  EXPECT_TRUE(test::has(text, "\"b, with comma.png\",,,,,,\n")) << text;
  EXPECT_TRUE(test::has(text, "c.png,WBC,0.1,0.7,99.9,79.3,0.3\n")) << text;
}

TEST(IoBoxFiles, CsvThreeDimensionalAndReorderedColumns) {
  test::TempDir tmp;
  test::write_text(tmp.file("a.csv"),
                   "Score,XMAX,ymax,zmax,xmin,ymin,zmin,class,image,note\n"
                   "0.5,4,5,6,1,2,3,nodule,ct1.nii.gz,x\n"
                   "0.25,10,10,10,0,0,0,mass,ct2.nii.gz,\n");
  const BoxAnnotations a = read_box_csv(tmp.file("a.csv"));
  ASSERT_EQ(a.images, (std::vector<std::string>{"ct1.nii.gz", "ct2.nii.gz"}));
  const Box& b = a.boxes[0][0];
  EXPECT_EQ(b.dims, 3);
  EXPECT_EQ(b.lo, (std::array<double, 3>{1, 2, 3}));
  EXPECT_EQ(b.hi, (std::array<double, 3>{4, 5, 6}));
  EXPECT_EQ(b.score, 0.5f);
  EXPECT_EQ(a.class_names, (std::vector<std::string>{"mass", "nodule"}));
  EXPECT_EQ(b.label, 1);
  write_box_csv(tmp.file("b.csv"), a, true);
  EXPECT_EQ(read_file(tmp.file("b.csv")),
            "image,class,xmin,ymin,zmin,xmax,ymax,zmax,score\n"
            "ct1.nii.gz,nodule,1,2,3,4,5,6,0.5\n"
            "ct2.nii.gz,mass,0,0,0,10,10,10,0.25\n");
  write_coco_json(tmp.file("c.json"), a);  // [x, y, z, w, h, d]
  const BoxAnnotations c = read_coco_json(tmp.file("c.json"));
  EXPECT_EQ(c.boxes[0][0].dims, 3);
  EXPECT_EQ(c.boxes[0][0].hi, b.hi);
}

TEST(IoBoxFiles, BccdVocAnnotationsAsCocoAndCsv) {
  MEDCNN_REQUIRE_DATA(dir, "bccd/BCCD/Annotations");
  BoxAnnotations a;
  std::set<std::string> names;
  for (const char* file : {"BloodImage_00000.xml", "BloodImage_00001.xml", "BloodImage_00100.xml",
                           "BloodImage_00338.xml", "BloodImage_00410.xml"}) {
    const std::string p = dir + "/" + file;
    if (!std::filesystem::exists(p)) continue;
    VocAnnotation voc = read_voc(p);
    a.images.push_back(voc.filename);
    a.sizes.emplace_back(voc.width, voc.height);
    for (const Box& b : voc.boxes) names.insert(b.class_name);
    a.boxes.push_back(voc.boxes);  // label -1: the class comes from class_name
  }
  ASSERT_GE(a.images.size(), 3u);
  a.class_names.assign(names.begin(), names.end());
  size_t total = 0;
  for (const auto& image : a.boxes) total += image.size();
  ASSERT_GT(total, 20u);

  test::TempDir tmp;
  write_coco_json(tmp.file("bccd.json"), a);
  const BoxAnnotations coco = read_coco_json(tmp.file("bccd.json"));
  EXPECT_EQ(coco.sizes, a.sizes);
  EXPECT_EQ(coco.class_names, a.class_names);
  expect_same_boxes(coco, a, false, 0.0);  // integers: exact

  write_box_csv(tmp.file("bccd.csv"), a);
  const BoxAnnotations csv = read_box_csv(tmp.file("bccd.csv"));
  EXPECT_EQ(csv.class_names, a.class_names);
  expect_same_boxes(csv, a, false, 0.0);
}

TEST(IoBoxFiles, MalformedCocoIsAFormatErrorNamingFileAndEntry) {
  test::TempDir tmp;
  const std::string head = R"({"images": [{"id": 1, "file_name": "a.png"}],
                               "categories": [{"id": 1, "name": "RBC"}], "annotations": [)";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"notjson.json", "{\"images\": [", "not valid JSON"},
      {"noimages.json", "{\"annotations\": []}", "\"images\""},
      {"negative.json", head + R"({"image_id": 1, "category_id": 1, "bbox": [1, 2, -3, 4]}]})",
       "annotations[0]"},
      {"category.json", head + R"({"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]},
                                  {"image_id": 1, "category_id": 7, "bbox": [1, 2, 3, 4]}]})",
       "annotations[1]: unknown category_id 7"},
      {"image.json", head + R"({"image_id": 2, "category_id": 1, "bbox": [1, 2, 3, 4]}]})",
       "unknown image_id 2"},
      {"string.json", head + R"({"image_id": 1, "category_id": 1, "bbox": [1, "2", 3, 4]}]})",
       "non-number"},
      {"short.json", head + R"({"image_id": 1, "category_id": 1, "bbox": [1, 2, 3]}]})",
       "\"bbox\""},
      {"nobbox.json", head + R"({"image_id": 1, "category_id": 1}]})", "has no \"bbox\""},
      {"floatid.json", head + R"({"image_id": 1.5, "category_id": 1, "bbox": [1, 2, 3, 4]}]})",
       "\"image_id\" is not an integer"},
      {"dupimage.json", R"({"images": [{"id": 1, "file_name": "a"}, {"id": 1, "file_name": "b"}]})",
       "images[1]: duplicate image id 1"},
      {"list.json", "[]", "read_coco_results"},
  };
  for (const auto& [name, text, part] : cases) {
    SCOPED_TRACE(name);
    test::write_text(tmp.file(name), text);
    test::expect_error_naming<FormatError>([&] { read_coco_json(tmp.file(name)); }, tmp.file(name),
                                           part);
  }
  test::expect_error_naming<IoError>([&] { read_coco_json(tmp.file("missing.json")); },
                                     tmp.file("missing.json"));
  // Results: a missing score, an id the dataset does not have.
  const BoxAnnotations dataset = sample();
  test::write_text(tmp.file("r1.json"),
                   R"([{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}])");
  test::expect_error_naming<FormatError>([&] { read_coco_results(tmp.file("r1.json"), dataset); },
                                         tmp.file("r1.json"), "results[0]: has no \"score\"");
  test::write_text(tmp.file("r2.json"),
                   R"([{"image_id": 9, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 1}])");
  test::expect_error_naming<FormatError>([&] { read_coco_results(tmp.file("r2.json"), dataset); },
                                         tmp.file("r2.json"), "unknown image_id 9");
}

TEST(IoBoxFiles, MalformedCsvIsAFormatErrorNamingFileAndLine) {
  test::TempDir tmp;
  const std::string header = "image,class,xmin,ymin,xmax,ymax\n";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"empty.csv", "", "header"},
      {"nocolumn.csv", "image,class,xmin,ymin,xmax\na,RBC,1,2,3\n", "'ymax'"},
      {"inverted.csv", header + "a,RBC,1,2,3,4\na,RBC,5,2,3,4\n", "line 3: xmax < xmin"},
      {"notnumber.csv", header + "a,RBC,1,two,3,4\n", "line 2: ymin is not a number ('two')"},
      {"nan.csv", header + "a,RBC,1,nan,3,4\n", "line 2: ymin is not a number"},
      {"fields.csv", header + "a,RBC,1,2,3\n", "line 2: 5 fields"},
      {"noimage.csv", header + ",RBC,1,2,3,4\n", "line 2: empty image name"},
      {"noclass.csv", header + "a,,1,2,3,4\n", "line 2: empty class"},
      {"onez.csv", "image,class,xmin,ymin,zmin,xmax,ymax\na,RBC,1,2,3,4,5\n", "zmax"},
  };
  for (const auto& [name, text, part] : cases) {
    SCOPED_TRACE(name);
    test::write_text(tmp.file(name), text);
    test::expect_error_naming<FormatError>([&] { read_box_csv(tmp.file(name)); }, tmp.file(name),
                                           part);
  }
  test::write_text(tmp.file("class.csv"), header + "a,RBC,1,2,3,4\na,Monocyte,1,2,3,4\n");
  test::expect_error_naming<FormatError>(
      [&] { read_box_csv(tmp.file("class.csv"), {"RBC", "WBC"}); }, tmp.file("class.csv"),
      "line 3: unknown class 'Monocyte'");
  test::expect_error_naming<IoError>([&] { read_box_csv(tmp.file("missing.csv")); },
                                     tmp.file("missing.csv"));
}

TEST(IoBoxFiles, InconsistentAnnotationsAreNotWritten) {
  test::TempDir tmp;
  BoxAnnotations a = sample();
  a.boxes[0][0].label = -1;
  a.boxes[0][0].class_name = "Monocyte";
  test::expect_error_naming<DataError>([&] { write_coco_json(tmp.file("x.json"), a); },
                                       tmp.file("x.json"), "'Monocyte' is not in class_names");
  a = sample();
  a.boxes[2][0].hi[0] = -1;
  test::expect_error_naming<DataError>([&] { write_box_csv(tmp.file("x.csv"), a); },
                                       tmp.file("x.csv"), "max < min");
  a = sample();
  a.boxes.pop_back();
  test::expect_error_naming<DataError>([&] { write_coco_json(tmp.file("x.json"), a); },
                                       tmp.file("x.json"), "box lists");
  a = sample();
  a.boxes[0][1].label = 5;
  test::expect_error_naming<DataError>([&] { write_coco_json(tmp.file("x.json"), a, true); },
                                       tmp.file("x.json"), "label 5");
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x.json")));
  EXPECT_FALSE(std::filesystem::exists(tmp.file("x.csv")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(tmp.path()),
                          std::filesystem::directory_iterator()),
            0);  // no half file, no temporary left behind
}

// Per-box extra columns (predict's uncertainty measures): after the score in
// the CSV (empty cells on a row without boxes), members of each COCO result;
// the readers still read the boxes; extras that do not fit are refused.
TEST(IoBoxFiles, ExtraColumnsFollowTheScore) {
  test::TempDir tmp;
  BoxAnnotations a = sample();
  a.extra_columns = {"entropy", "box_sd"};
  a.extras = {{{0.5, 1.25}, {0.1, 0}}, {}, {{0.25, 2}, {0, 0}}};
  write_box_csv(tmp.file("p.csv"), a, true);
  std::ifstream f(tmp.file("p.csv"));
  std::string header, first, line, empty;
  std::getline(f, header);
  std::getline(f, first);
  std::getline(f, line);
  std::getline(f, empty);
  EXPECT_EQ(header, "image,class,xmin,ymin,xmax,ymax,score,entropy,box_sd");
  EXPECT_EQ(first, "cells/a.jpg,RBC,10,20,30.5,40.25,0.75,0.5,1.25");
  EXPECT_EQ(empty, "\"b, with comma.png\",,,,,,,,");
  expect_same_boxes(read_box_csv(tmp.file("p.csv"), a.class_names), a, true, 1e-12);
  write_coco_json(tmp.file("p.json"), a, true);
  json results;
  std::ifstream(tmp.file("p.json")) >> results;
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[2]["box_sd"], 2.0);
  EXPECT_EQ(results[2]["entropy"], 0.25);
  a.extras[2].pop_back();
  test::expect_error_naming<DataError>([&] { write_box_csv(tmp.file("bad.csv"), a, true); },
                                       tmp.file("bad.csv"), "extra columns");
  EXPECT_FALSE(std::filesystem::exists(tmp.file("bad.csv")));
}
