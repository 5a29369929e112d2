// The frame shared by medcnn's HTML reports: one self-contained page (inline
// CSS; images inline as data URIs), readable offline and printable.
//
// html_page_begin(title, description) opens the document and writes the
// header: the title and a key/value table describing the run (escaped).
// html_page_end() writes the footer and closes the document.
// png_data_uri(image) encodes a 2-D uint8 image (1 or 3 channels) as PNG
// and returns "data:image/png;base64,...", for an <img src>.
// picture_gallery(pictures): the figures of a report's picture section.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "medcnn/core/image.h"

namespace medcnn {

std::string html_page_begin(const std::string& title,
                            const std::vector<std::pair<std::string, std::string>>& description);
std::string html_page_end();
std::string base64_encode(const std::string& bytes);
std::string png_data_uri(const Image& image);

// A captioned picture of a report (an overlay: 2-D RGB uint8).
struct OverlayPicture {
  std::string caption;
  Image picture;
};
// <div class="overlays"> holding one <figure> (inline PNG, escaped caption)
// per picture.
std::string picture_gallery(const std::vector<OverlayPicture>& pictures);

}  // namespace medcnn
