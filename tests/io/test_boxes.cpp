// Pascal VOC boxes against xml.etree, inline box text, malformed files.
#include <filesystem>
#include <fstream>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/boxes.h"
#include "test_support.h"

using namespace medcnn;

TEST(Boxes, BccdAnnotationsMatchXmlEtree) {
  MEDCNN_REQUIRE_DATA(dir, "bccd/BCCD/Annotations");
  std::vector<std::string> files;
  for (const char* name : {"BloodImage_00000.xml", "BloodImage_00001.xml", "BloodImage_00100.xml",
                           "BloodImage_00338.xml", "BloodImage_00410.xml"}) {
    const std::string p = dir + "/" + name;
    if (std::filesystem::exists(p)) files.push_back(p);
  }
  ASSERT_GE(files.size(), 3u);
  auto o = test::run_oracle("io_voc.py", files);
  ASSERT_FALSE(o.is_null());
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i]);
    VocAnnotation voc = read_voc(files[i]);
    const auto& want = o[i];
    EXPECT_EQ(voc.filename, want["filename"].get<std::string>());
    EXPECT_EQ(voc.width, want["width"].get<int>());
    EXPECT_EQ(voc.height, want["height"].get<int>());
    EXPECT_EQ(voc.depth, want["depth"].get<int>());
    ASSERT_EQ(voc.boxes.size(), want["objects"].size());
    for (size_t k = 0; k < voc.boxes.size(); ++k) {
      const Box& b = voc.boxes[k];
      const auto& w = want["objects"][k];
      EXPECT_EQ(b.class_name, w["name"].get<std::string>());
      EXPECT_EQ(b.label, -1);
      // 1-based inclusive VOC corners -> [xmin - 1, xmax).
      EXPECT_DOUBLE_EQ(b.lo[0], w["box"][0].get<double>() - 1);
      EXPECT_DOUBLE_EQ(b.lo[1], w["box"][1].get<double>() - 1);
      EXPECT_DOUBLE_EQ(b.hi[0], w["box"][2].get<double>());
      EXPECT_DOUBLE_EQ(b.hi[1], w["box"][3].get<double>());
    }
  }
}

TEST(Boxes, VocWithFloatsCommentsAndEntities) {
  test::TempDir tmp;
  const std::string path = tmp.file("a.xml");
  std::ofstream(path) << "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<annotation verified=\"yes\">\n"
                         "  <filename>cells &amp; more.jpg</filename>\n"
                         "  <size><width>100</width><height>80</height><depth>3</depth></size>\n"
                         "  <object><name> WBC </name><bndbox><xmin>10.5</xmin><ymin>20</ymin>"
                         "<xmax>30.25</xmax><ymax>40</ymax></bndbox></object>\n"
                         "  <object><name><![CDATA[Platelets]]></name><bndbox><xmin>1</xmin><ymin>1</ymin>"
                         "<xmax>1</xmax><ymax>2</ymax></bndbox></object>\n"
                         "</annotation>\n";
  VocAnnotation voc = read_voc(path);
  EXPECT_EQ(voc.filename, "cells & more.jpg");
  ASSERT_EQ(voc.boxes.size(), 2u);
  EXPECT_EQ(voc.boxes[0].class_name, "WBC");
  EXPECT_DOUBLE_EQ(voc.boxes[0].lo[0], 9.5);
  EXPECT_DOUBLE_EQ(voc.boxes[0].hi[0], 30.25);
  EXPECT_EQ(voc.boxes[1].class_name, "Platelets");
  EXPECT_DOUBLE_EQ(voc.boxes[1].extent(0), 1.0);  // a one-pixel box
}

TEST(Boxes, MalformedVocIsAFormatErrorNamingTheFile) {
  test::TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unclosed.xml", "<annotation><object><name>RBC</name></annotation>"},
      {"truncated.xml", "<annotation><filename>a.jpg</filename><object>"},
      {"notnumber.xml", "<annotation><object><name>RBC</name><bndbox><xmin>ten</xmin><ymin>1</ymin>"
                        "<xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>"},
      {"nobox.xml", "<annotation><object><name>RBC</name></object></annotation>"},
      {"inverted.xml", "<annotation><object><name>RBC</name><bndbox><xmin>9</xmin><ymin>1</ymin>"
                       "<xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>"},
      {"wrongroot.xml", "<html><body/></html>"},
      {"empty.xml", ""},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    std::ofstream(tmp.file(name)) << text;
    test::expect_error_naming<FormatError>([&] { read_voc(tmp.file(name)); }, tmp.file(name));
  }
  test::expect_error_naming<IoError>([&] { read_voc(tmp.file("missing.xml")); }, tmp.file("missing.xml"));
}

TEST(Boxes, InlineBoxesParseAndFormatBackAndForth) {
  auto boxes = parse_inline_boxes("RBC 10 20 30 40; WBC 1.5 2 3 4.25 ;; red cell 0 0 5 5", "row 3");
  ASSERT_EQ(boxes.size(), 3u);
  EXPECT_EQ(boxes[0].class_name, "RBC");
  EXPECT_EQ(boxes[0].dims, 2);
  EXPECT_DOUBLE_EQ(boxes[0].lo[0], 10);
  EXPECT_DOUBLE_EQ(boxes[0].lo[1], 20);
  EXPECT_DOUBLE_EQ(boxes[0].hi[0], 30);
  EXPECT_DOUBLE_EQ(boxes[0].hi[1], 40);
  EXPECT_DOUBLE_EQ(boxes[1].lo[0], 1.5);
  EXPECT_DOUBLE_EQ(boxes[1].hi[1], 4.25);
  EXPECT_EQ(boxes[2].class_name, "red cell");
  const std::string text = format_inline_boxes(boxes);
  EXPECT_EQ(text, "RBC 10 20 30 40; WBC 1.5 2 3 4.25; red_cell 0 0 5 5");
  auto again = parse_inline_boxes(text, "again");
  ASSERT_EQ(again.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    for (int a = 0; a < 2; ++a) {
      EXPECT_DOUBLE_EQ(again[i].lo[a], boxes[i].lo[a]);
      EXPECT_DOUBLE_EQ(again[i].hi[a], boxes[i].hi[a]);
    }
  auto three = parse_inline_boxes("nodule 1 2 3 4 5 6", "x");
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0].dims, 3);
  EXPECT_DOUBLE_EQ(three[0].lo[2], 3);
  EXPECT_DOUBLE_EQ(three[0].hi[0], 4);
  EXPECT_EQ(format_inline_boxes(three), "nodule 1 2 3 4 5 6");
  EXPECT_TRUE(parse_inline_boxes("  ", "x").empty());
}

TEST(Boxes, BadInlineBoxesNameWhereTheyCameFrom) {
  test::expect_error_naming<FormatError>([] { parse_inline_boxes("RBC 1 2 3", "labels.csv:4"); }, "labels.csv:4");
  test::expect_error_naming<FormatError>([] { parse_inline_boxes("RBC 1 2 x 4", "labels.csv:5"); }, "labels.csv:5");
  test::expect_error_naming<FormatError>([] { parse_inline_boxes("RBC 5 5 1 1", "labels.csv:6"); }, "labels.csv:6");
  test::expect_error_naming<FormatError>([] { parse_inline_boxes("1 2 3 4", "labels.csv:7"); }, "labels.csv:7");
}
