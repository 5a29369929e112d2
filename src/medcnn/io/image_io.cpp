#include "medcnn/io/image_io.h"
#include "medcnn/io/wfdb.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/io/dicom.h"
#include "medcnn/io/gif_io.h"
#include "medcnn/io/itk_io.h"
#include "medcnn/io/opencv_io.h"

namespace fs = std::filesystem;

namespace medcnn {
namespace {

// The first bytes of a file (fewer if it is shorter).
std::string head_bytes(const std::string& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string buf(n, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return buf;
}

// The first bytes of a gzip file's content ("" if it is not gzip).
std::string gunzip_head(const std::string& path, size_t n) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return {};
  std::string buf(n, '\0');
  const int got = gzread(gz, buf.data(), static_cast<unsigned>(n));
  gzclose(gz);
  buf.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return buf;
}

bool starts_with(const std::string& s, const char* prefix, size_t n) {
  return s.size() >= n && std::memcmp(s.data(), prefix, n) == 0;
}

int32_t int32_at(const std::string& s, size_t off, bool swap) {
  uint32_t v;
  std::memcpy(&v, s.data() + off, 4);
  if (swap) v = __builtin_bswap32(v);
  return static_cast<int32_t>(v);
}

bool is_nifti_header(const std::string& h) {
  if (h.size() >= 348) {
    for (bool swap : {false, true})
      // NIfTI-1 (magic "n+1"/"ni1" at 344) or its Analyze 7.5 ancestor.
      if (int32_at(h, 0, swap) == 348) return true;
  }
  if (h.size() >= 540) {
    for (bool swap : {false, true})
      if (int32_at(h, 0, swap) == 540 && (h.compare(4, 3, "n+2") == 0 || h.compare(4, 3, "ni2") == 0))
        return true;
  }
  return false;
}

bool is_metaimage_header(const std::string& h) {
  // Text "Key = value" lines, one of which is ObjectType or NDims.
  size_t pos = 0;
  for (int line = 0; line < 8 && pos < h.size(); ++line) {
    size_t end = h.find('\n', pos);
    std::string l = h.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    size_t i = l.find_first_not_of(" \t");
    if (i != std::string::npos &&
        (l.compare(i, 10, "ObjectType") == 0 || l.compare(i, 5, "NDims") == 0))
      return true;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return false;
}

ImageFormat format_by_content(const std::string& path) {
  const std::string h = head_bytes(path, 544);
  if (h.empty()) return ImageFormat::Unknown;
  // DICOM first: its 128-byte preamble may hold a TIFF header (dual-format files).
  if (h.size() >= 132 && h.compare(128, 4, "DICM") == 0) return ImageFormat::Dicom;
  if (starts_with(h, "\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
  if (starts_with(h, "\xff\xd8\xff", 3)) return ImageFormat::Jpeg;
  if (starts_with(h, "II*\0", 4) || starts_with(h, "MM\0*", 4) || starts_with(h, "II+\0", 4) ||
      starts_with(h, "MM\0+", 4))
    return ImageFormat::Tiff;
  if (starts_with(h, "GIF87a", 6) || starts_with(h, "GIF89a", 6)) return ImageFormat::Gif;
  if (starts_with(h, "NRRD000", 7)) return ImageFormat::Nrrd;
  if (starts_with(h, "PK\x03\x04", 4) || starts_with(h, "PK\x05\x06", 4)) return ImageFormat::Npz;
  if (starts_with(h, "\x1f\x8b", 2)) {
    if (is_nifti_header(gunzip_head(path, 544))) return ImageFormat::Nifti;
    return ImageFormat::Unknown;
  }
  if (is_nifti_header(h)) return ImageFormat::Nifti;
  if (is_metaimage_header(h)) return ImageFormat::MetaImage;
  if (starts_with(h, "BM", 2) && h.size() >= 26) return ImageFormat::Bmp;
  return ImageFormat::Unknown;
}

ImageFormat format_by_extension(const std::string& path) {
  const std::string ext = file_extension(path);
  if (ext == ".nii" || ext == ".nii.gz" || ext == ".hdr" || ext == ".img") return ImageFormat::Nifti;
  if (ext == ".nrrd" || ext == ".nhdr") return ImageFormat::Nrrd;
  if (ext == ".mha" || ext == ".mhd") return ImageFormat::MetaImage;
  if (ext == ".dcm" || ext == ".dicom" || ext == ".ima") return ImageFormat::Dicom;
  if (ext == ".png") return ImageFormat::Png;
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::Jpeg;
  if (ext == ".tif" || ext == ".tiff") return ImageFormat::Tiff;
  if (ext == ".gif") return ImageFormat::Gif;
  if (ext == ".bmp") return ImageFormat::Bmp;
  if (ext == ".npz") return ImageFormat::Npz;
  if (ext == ".hea") return ImageFormat::Wfdb;
  return ImageFormat::Unknown;
}

// What the first bytes of a file look like, for error messages.
std::string describe_bytes(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size == 0) return "the file is empty";
  const std::string h = head_bytes(path, 64);
  const ImageFormat f = format_by_content(path);
  if (f != ImageFormat::Unknown) return std::string("the bytes are ") + format_name(f);
  if (starts_with(h, "\x1f\x8b", 2)) return "the bytes are gzip data of no known image format";
  if (starts_with(h, "%PDF", 4)) return "the bytes are a PDF document";
  if (starts_with(h, "<?xml", 5) || starts_with(h, "<", 1)) return "the bytes look like XML/HTML text";
  const bool text = std::all_of(h.begin(), h.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u >= 0x20 || c == '\n' || c == '\r' || c == '\t' || u >= 0x80;
  });
  if (text) {
    std::string snippet = h.substr(0, 24);
    std::replace_if(snippet.begin(), snippet.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    return "the bytes look like text (\"" + snippet + (h.size() > 24 ? "...\")" : "\")");
  }
  static const char* hex = "0123456789abcdef";
  std::string start;
  for (size_t i = 0; i < std::min<size_t>(8, h.size()); ++i) {
    const unsigned char u = static_cast<unsigned char>(h[i]);
    start += std::string(i ? " " : "") + hex[u >> 4] + hex[u & 15];
  }
  return "the bytes are not a known image format (they start " + start + ")";
}

void require_exists(const std::string& path) {
  std::error_code ec;
  if (path.empty()) throw IoError("(empty path)", "no file name given");
  if (!fs::exists(path, ec)) throw IoError(path, "no such file or folder");
}

}  // namespace

const char* format_name(ImageFormat f) {
  switch (f) {
    case ImageFormat::Unknown: return "unknown";
    case ImageFormat::Nifti: return "NIfTI";
    case ImageFormat::Nrrd: return "NRRD";
    case ImageFormat::MetaImage: return "MetaImage";
    case ImageFormat::Dicom: return "DICOM";
    case ImageFormat::DicomSeries: return "DICOM series";
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::Gif: return "GIF";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Npz: return "NumPy npz";
    case ImageFormat::Wfdb: return "WFDB";
  }
  return "unknown";
}

std::string file_extension(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* compound : {".nii.gz", ".tar.gz"}) {
    const size_t n = std::strlen(compound);
    if (name.size() > n && name.compare(name.size() - n, n, compound) == 0) return compound;
  }
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  return name.substr(dot);
}

ImageFormat detect_format(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return ImageFormat::DicomSeries;
  if (!fs::is_regular_file(path, ec)) return ImageFormat::Unknown;
  ImageFormat f = format_by_content(path);
  if (f != ImageFormat::Unknown) return f;
  f = format_by_extension(path);
  // Formats with a signature whose signature was not found are not them.
  switch (f) {
    case ImageFormat::Png:
    case ImageFormat::Jpeg:
    case ImageFormat::Tiff:
    case ImageFormat::Gif:
    case ImageFormat::Bmp:
    case ImageFormat::Npz:
    case ImageFormat::Nrrd:
      return ImageFormat::Unknown;
    case ImageFormat::Nifti:
      // .hdr/.img pairs: the header file holds the magic, not the .img.
      return file_extension(path) == ".img" ? ImageFormat::Nifti : ImageFormat::Unknown;
    case ImageFormat::MetaImage:
      return ImageFormat::Unknown;
    case ImageFormat::Wfdb:
      return ImageFormat::Wfdb;
    default: break;
  }
  // DICOM without a preamble (old ACR-NEMA style, implicit VR).
  if (is_dicom_file(path)) return ImageFormat::Dicom;
  return ImageFormat::Unknown;
}

Image read_image(const std::string& path) {
  require_exists(path);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    bool any = false;
    for (auto it = fs::directory_iterator(path, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      any = true;
      break;
    }
    if (ec) throw IoError(path, "cannot list the folder: " + ec.message());
    if (!any) throw DataError(path, "the folder is empty (expected the files of one DICOM series)");
    return read_dicom_series(path);
  }
  if (!fs::is_regular_file(path, ec)) throw IoError(path, "not a regular file");
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw IoError(path, "cannot open for reading (permission denied?)");
  }
  const ImageFormat f = detect_format(path);
  Image image;
  switch (f) {
    case ImageFormat::Nifti:
    case ImageFormat::Nrrd:
    case ImageFormat::MetaImage:
      image = io_detail::read_itk(path);
      break;
    case ImageFormat::Dicom: image = read_dicom_file(path); break;
    case ImageFormat::Png:
    case ImageFormat::Jpeg:
    case ImageFormat::Tiff:
    case ImageFormat::Bmp:
      image = io_detail::read_opencv(path);
      break;
    case ImageFormat::Gif: image = io_detail::read_gif(path); break;
    case ImageFormat::Wfdb: image = read_wfdb(path); break;
    case ImageFormat::Npz:
      throw FormatError(path, "a NumPy .npz archive holds arrays, not one image; read it as a data set "
                              "(npz source) or with read_npz");
    case ImageFormat::DicomSeries:
    case ImageFormat::Unknown: {
      const ImageFormat named = format_by_extension(path);
      if (named != ImageFormat::Unknown)
        throw FormatError(path, std::string("named as ") + format_name(named) + " but " + describe_bytes(path));
      throw FormatError(path, "unknown image format (" + describe_bytes(path) + ")");
    }
  }
  image.source = path;
  return image;
}

void write_image(const std::string& path, const Image& image) {
  const std::string ext = file_extension(path);
  if (ext == ".nii" || ext == ".nii.gz" || ext == ".nrrd" || ext == ".nhdr" || ext == ".mha" || ext == ".mhd") {
    io_detail::write_itk(path, image);
  } else if (ext == ".png" || ext == ".tif" || ext == ".tiff" || ext == ".jpg" || ext == ".jpeg") {
    io_detail::write_opencv(path, image);
  } else {
    throw FormatError(path, "cannot write the extension '" + ext +
                                "' (use .nii, .nii.gz, .nrrd, .mha, .mhd, .png, .tif, .tiff or .jpg)");
  }
}

}  // namespace medcnn
