#include "medcnn/io/opencv_io.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "medcnn/core/error.h"
#include "medcnn/io/atomic_write.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/tiff_tags.h"

namespace medcnn::io_detail {
namespace {

PixelType pixel_type_of_depth(int depth, const std::string& path) {
  switch (depth) {
    case CV_8U: return PixelType::UInt8;
    case CV_8S: return PixelType::Int8;
    case CV_16U: return PixelType::UInt16;
    case CV_16S: return PixelType::Int16;
    case CV_32S: return PixelType::Int32;
    case CV_32F: return PixelType::Float32;
    case CV_64F: return PixelType::Float64;
    default: throw FormatError(path, "unsupported pixel depth " + std::to_string(depth));
  }
}

// Tensor dtype holding the same bytes as an OpenCV depth (16U has none).
c10::ScalarType dtype_of_depth(int depth) {
  switch (depth) {
    case CV_8U: return c10::kByte;
    case CV_8S: return c10::kChar;
    case CV_16S: return c10::kShort;
    case CV_32S: return c10::kInt;
    case CV_32F: return c10::kFloat;
    case CV_64F: return c10::kDouble;
    default: return c10::ScalarType::Undefined;
  }
}

}  // namespace

Image read_opencv(const std::string& path) {
  cv::Mat m;
  try {
    m = cv::imread(path, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw FormatError(path, "cannot decode: " + e.msg);
  }
  if (m.empty()) throw FormatError(path, "cannot decode the image (corrupt, truncated or unsupported)");
  if (m.dims != 2) throw FormatError(path, "unsupported image layout");
  const int ch = m.channels();
  try {
    if (ch == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
    else if (ch == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2RGBA);
  } catch (const cv::Exception& e) {
    throw FormatError(path, "cannot convert colours: " + e.msg);
  }
  if (!m.isContinuous()) m = m.clone();
  const PixelType pt = pixel_type_of_depth(m.depth(), path);
  const int64_t h = m.rows, w = m.cols;
  at::Tensor t;
  if (m.depth() == CV_16U) {
    t = torch::empty({h, w, ch}, torch::kInt);
    const uint16_t* s = m.ptr<uint16_t>();
    int32_t* d = t.data_ptr<int32_t>();
    for (int64_t i = 0, n = h * w * ch; i < n; ++i) d[i] = s[i];
  } else {
    // Copy: the Mat's memory dies with it.
    t = torch::from_blob(m.data, {h, w, ch}, torch::TensorOptions().dtype(dtype_of_depth(m.depth())))
            .clone();
  }
  t = t.permute({2, 0, 1}).contiguous();
  Geometry g = Geometry::identity(2);
  const std::string ext = file_extension(path);
  if (ext == ".tif" || ext == ".tiff") {
    if (auto s = read_tiff_spacing(path)) {
      g.spacing[0] = (*s)[0];
      g.spacing[1] = (*s)[1];
    }
  }
  Image image(t, g, pt);
  image.source = path;
  return image;
}

void write_opencv(const std::string& path, const Image& image) {
  if (!image.defined()) throw FormatError(path, "cannot write an empty image");
  const std::string ext = file_extension(path);
  const bool png = ext == ".png", tiff = ext == ".tif" || ext == ".tiff",
             jpeg = ext == ".jpg" || ext == ".jpeg";
  const char* fmt = png ? "PNG" : tiff ? "TIFF" : jpeg ? "JPEG" : nullptr;
  if (!fmt) throw FormatError(path, "no OpenCV writer for the extension '" + ext + "'");
  if (image.dims() != 2)
    throw FormatError(path, std::string(fmt) + " holds 2-D images only; this image is " +
                                std::to_string(image.dims()) + "-D (use .nii.gz, .nrrd or .mha)");
  const int64_t ch = image.channels();
  const PixelType pt = image.pixel_type;
  int depth = -1;
  if (pt == PixelType::UInt8 || pt == PixelType::Bool) depth = CV_8U;
  else if (pt == PixelType::UInt16 && !jpeg) depth = CV_16U;
  else if (pt == PixelType::Float32 && tiff) depth = CV_32F;
  if (depth < 0)
    throw FormatError(path, std::string(fmt) + " cannot hold " + pixel_type_name(pt) +
                                " pixels (" + (png ? "uint8 or uint16" : tiff ? "uint8, uint16 or float32" : "uint8") +
                                " only); convert the image or write .nii.gz/.nrrd/.tif");
  if (!(ch == 1 || ch == 3 || (ch == 4 && !jpeg)))
    throw FormatError(path, std::string(fmt) + " cannot hold " + std::to_string(ch) +
                                " channels (" + (jpeg ? "1 or 3" : "1, 3 or 4") + ")");

  at::Tensor t = image.data.detach().to(torch::kCPU);
  if (depth != CV_32F && t.numel() > 0) {
    const double lo = t.min().item<double>(), hi = t.max().item<double>();
    const double top = depth == CV_8U ? 255 : 65535;
    if (lo < 0 || hi > top)
      throw FormatError(path, "values [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                  "] do not fit " + pixel_type_name(pt));
  }
  const int64_t h = t.size(1), w = t.size(2);
  t = t.permute({1, 2, 0});
  cv::Mat m;
  if (depth == CV_8U) {
    t = t.to(torch::kByte).contiguous();
    m = cv::Mat(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(CV_8U, static_cast<int>(ch)),
                t.data_ptr())
            .clone();
  } else if (depth == CV_16U) {
    t = t.to(torch::kInt).contiguous();
    m = cv::Mat(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(CV_16U, static_cast<int>(ch)));
    const int32_t* s = t.data_ptr<int32_t>();
    uint16_t* d = m.ptr<uint16_t>();
    for (int64_t i = 0, n = h * w * ch; i < n; ++i) d[i] = static_cast<uint16_t>(s[i]);
  } else {
    t = t.to(torch::kFloat).contiguous();
    m = cv::Mat(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(CV_32F, static_cast<int>(ch)),
                t.data_ptr())
            .clone();
  }
  if (ch == 3) cv::cvtColor(m, m, cv::COLOR_RGB2BGR);
  else if (ch == 4) cv::cvtColor(m, m, cv::COLOR_RGBA2BGRA);

  std::vector<int> params;
  const double sx = image.geometry.spacing[0], sy = image.geometry.spacing[1];
  const bool keep_spacing = tiff && sx > 0 && sy > 0 && (sx != 1.0 || sy != 1.0);
  if (jpeg) params = {cv::IMWRITE_JPEG_QUALITY, 95};
  if (tiff) {
    // Lossless: LZW for integers, none for float (OpenCV would use lossy
    // SGILOG for 3-channel float otherwise).
    params = {cv::IMWRITE_TIFF_COMPRESSION, depth == CV_32F ? 1 : 5};
    if (keep_spacing) {
      // Placeholder values, patched to exact fractions after writing.
      params.insert(params.end(), {cv::IMWRITE_TIFF_RESUNIT, 3, cv::IMWRITE_TIFF_XDPI, 1,
                                   cv::IMWRITE_TIFF_YDPI, 1});
    }
  }
  write_atomically(path, [&](const std::string& tmp) {
    bool ok = false;
    try {
      ok = cv::imwrite(tmp, m, params);
    } catch (const cv::Exception& e) {
      throw IoError(path, "cannot write " + std::string(fmt) + ": " + e.msg);
    }
    if (!ok) throw IoError(path, "cannot write " + std::string(fmt) + " (OpenCV refused)");
    if (keep_spacing && !patch_tiff_spacing(tmp, sx, sy))
      throw IoError(path, "cannot record the pixel spacing in the TIFF");
  });
}

}  // namespace medcnn::io_detail
