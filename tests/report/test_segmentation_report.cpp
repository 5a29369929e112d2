// Segmentation report pieces: base64 (RFC 4648 examples), outlines of the
// overlay worked by hand, and the page's sections.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "medcnn/core/error.h"
#include "medcnn/report/html_page.h"
#include "medcnn/report/overlay.h"
#include "medcnn/report/segmentation_report.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

TEST(HtmlPage, Base64MatchesRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x10", 3)), "/wAQ");
}

TEST(Overlay, OutlinesAreTheBoundaryPixels) {
  // 7x7 image; reference = 3x3 square at rows/cols 2..4 (outline: all but
  // the centre (3,3)); prediction = the same square one column right (cols
  // 3..5; outline: all but (3,4)). (2,3), (4,4): on both outlines; (3,4): the
  // reference's right edge but inside the prediction; (3,3): inside the
  // reference but the prediction's left edge.
  auto img = torch::arange(49, torch::kFloat).view({1, 7, 7});
  Image image(img, Geometry::identity(2), PixelType::Float32);
  auto ref = torch::zeros({7, 7}, torch::kLong);
  ref.index_put_({torch::indexing::Slice(2, 5), torch::indexing::Slice(2, 5)}, 1);
  auto pred = torch::zeros({7, 7}, torch::kLong);
  pred.index_put_({torch::indexing::Slice(2, 5), torch::indexing::Slice(3, 6)}, 1);
  Image o = segmentation_overlay(image, ref, pred);
  ASSERT_EQ(o.channels(), 3);
  ASSERT_EQ(o.pixel_type, PixelType::UInt8);
  auto r = o.data[0], g = o.data[1], b = o.data[2];
  auto is = [&](int y, int x, int rr, int gg, int bb) {
    return r[y][x].item<int>() == rr && g[y][x].item<int>() == gg && b[y][x].item<int>() == bb;
  };
  EXPECT_TRUE(is(2, 2, 0, 255, 0));    // reference only: green
  EXPECT_TRUE(is(2, 5, 255, 0, 0));    // prediction only: red
  EXPECT_TRUE(is(2, 3, 255, 255, 0));  // both outlines: yellow
  EXPECT_TRUE(is(4, 4, 255, 255, 0));
  EXPECT_TRUE(is(3, 4, 0, 255, 0));
  EXPECT_TRUE(is(3, 3, 255, 0, 0));
  // Other pixels: the grey image min-max scaled, value v of 0..48 -> round(v * 255 / 48).
  EXPECT_TRUE(is(0, 0, 0, 0, 0));
  EXPECT_TRUE(is(0, 1, 5, 5, 5));       // 5.3125
  EXPECT_TRUE(is(6, 0, 223, 223, 223)); // 223.125
  EXPECT_TRUE(is(6, 6, 255, 255, 255));
  // Zoom repeats pixels.
  EXPECT_EQ(segmentation_overlay(image, ref, pred, 3).data.size(1), 21);
  EXPECT_THROW(segmentation_overlay(image, ref.narrow(0, 0, 6), pred), DataError);
}

TEST(SegmentationReport, PageHasSummaryCasesAndInlineOverlays) {
  nlohmann::json ev = nlohmann::json::parse(R"({
      "classes": ["background", "vessel"], "auc": 0.97,
      "cases": [{"id": "21", "auc": 0.96,
                 "per_class": [{"class": 1, "dice": 0.8, "iou": 0.667}]}],
      "summary": {"cases": 1,
                  "per_class": [{"class": 1,
                                 "dice": {"mean": 0.8, "sd": null, "n": 1, "n_undefined": 0},
                                 "global": {"dice": 0.8}}]}})");
  Image pic(torch::zeros({3, 4, 4}, torch::kByte), Geometry::identity(2), PixelType::UInt8);
  std::string html = render_segmentation_report(ev, {{"best: 21, Dice 0.8", pic}});
  for (const char* part : {"<h3>vessel</h3>", "0.97", "0.8", "best: 21, Dice 0.8",
                           "data:image/png;base64,iVBORw0KGgo", "</html>"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  EXPECT_THROW(render_segmentation_report(nlohmann::json::object(), {}), FormatError);
}
