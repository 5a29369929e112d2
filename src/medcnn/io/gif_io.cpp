#include "medcnn/io/gif_io.h"

#include <gif_lib.h>
#include <torch/torch.h>

#include <memory>

#include "medcnn/core/error.h"

namespace medcnn::io_detail {
namespace {

std::string gif_error(int code) {
  const char* s = GifErrorString(code);
  return s ? s : "unknown giflib error " + std::to_string(code);
}

struct GifCloser {
  void operator()(GifFileType* g) const {
    int err = 0;
    DGifCloseFile(g, &err);
  }
};

}  // namespace

Image read_gif(const std::string& path) {
  int err = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(DGifOpenFileName(path.c_str(), &err));
  if (!gif) throw FormatError(path, "cannot open as GIF: " + gif_error(err));
  if (DGifSlurp(gif.get()) != GIF_OK)
    throw FormatError(path, "corrupt or truncated GIF: " + gif_error(gif->Error));
  if (gif->ImageCount < 1) throw FormatError(path, "the GIF holds no image");
  const SavedImage& frame = gif->SavedImages[0];
  const GifImageDesc& d = frame.ImageDesc;
  const ColorMapObject* cmap = d.ColorMap ? d.ColorMap : gif->SColorMap;
  if (!cmap || cmap->ColorCount <= 0) throw FormatError(path, "the GIF has no colour table");
  const int64_t W = gif->SWidth > 0 ? gif->SWidth : d.Width;
  const int64_t H = gif->SHeight > 0 ? gif->SHeight : d.Height;
  if (W <= 0 || H <= 0 || d.Width <= 0 || d.Height <= 0)
    throw FormatError(path, "the GIF has an empty image");
  if (!frame.RasterBits) throw FormatError(path, "the GIF's first frame has no pixels");

  // Palette index of every screen pixel: background, then the frame on top.
  const int bg = gif->SBackGroundColor < cmap->ColorCount ? gif->SBackGroundColor : 0;
  std::vector<int> index(static_cast<size_t>(W * H), bg);
  for (int64_t y = 0; y < d.Height; ++y) {
    const int64_t sy = d.Top + y;
    if (sy < 0 || sy >= H) continue;
    for (int64_t x = 0; x < d.Width; ++x) {
      const int64_t sx = d.Left + x;
      if (sx < 0 || sx >= W) continue;
      int v = frame.RasterBits[y * d.Width + x];
      if (v >= cmap->ColorCount) v = bg;  // out-of-palette index: treat as background
      index[static_cast<size_t>(sy * W + sx)] = v;
    }
  }
  std::vector<bool> used(static_cast<size_t>(cmap->ColorCount), false);
  for (int v : index) used[static_cast<size_t>(v)] = true;
  bool grey = true;
  for (int i = 0; i < cmap->ColorCount && grey; ++i) {
    const GifColorType& c = cmap->Colors[i];
    if (used[static_cast<size_t>(i)] && !(c.Red == c.Green && c.Green == c.Blue)) grey = false;
  }
  const int64_t C = grey ? 1 : 3;
  at::Tensor t = torch::empty({C, H, W}, torch::kByte);
  uint8_t* p = t.data_ptr<uint8_t>();
  const int64_t plane = H * W;
  for (int64_t i = 0; i < plane; ++i) {
    const GifColorType& c = cmap->Colors[index[static_cast<size_t>(i)]];
    if (grey) {
      p[i] = c.Red;
    } else {
      p[i] = c.Red;
      p[plane + i] = c.Green;
      p[2 * plane + i] = c.Blue;
    }
  }
  Image image(t, Geometry::identity(2), PixelType::UInt8);
  image.source = path;
  return image;
}

}  // namespace medcnn::io_detail
