#include "medcnn/io/dicom.h"

#include <itkGDCMImageIO.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/itk_io.h"

namespace fs = std::filesystem;

namespace medcnn {
namespace {

std::string trim(std::string s) {
  auto bad = [](char c) { return c == ' ' || c == '\0' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && bad(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && bad(s[i])) ++i;
  return s.substr(i);
}

// "a\b\c" (DICOM multi-valued decimal string) -> numbers; empty if any is not one.
std::vector<double> parse_numbers(const std::string& s) {
  std::vector<double> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, '\\')) {
    item = trim(item);
    if (item.empty()) return {};
    try {
      size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) return {};
    } catch (const std::exception&) {
      return {};
    }
  }
  return out;
}

// One DICOM file as ITK/GDCM reads it, with the header values we use.
struct DicomFile {
  std::string path;
  Image image;  // as ITK reports it (2-D, or 3-D with z = frames)
  std::map<std::string, std::string> tags;
  std::vector<double> ipp, iop;  // ImagePositionPatient (3), ImageOrientationPatient (6)
  bool rescaled = false;         // slope/intercept not the identity
  double instance = 0;
  bool has_instance = false;

  std::string tag(const std::string& key) const {
    auto it = tags.find(key);
    return it == tags.end() ? std::string() : it->second;
  }
};

const std::vector<std::pair<std::string, std::string>> kMetaTags = {
    {"0010|0020", "PatientID"},          {"0020|000d", "StudyInstanceUID"},
    {"0020|000e", "SeriesInstanceUID"},  {"0008|103e", "SeriesDescription"},
    {"0008|0060", "Modality"},
};

std::map<std::string, std::string> read_tags(itk::GDCMImageIO* io) {
  std::map<std::string, std::string> tags;
  for (const char* t : {"0010|0020", "0020|000d", "0020|000e", "0008|103e", "0008|0060", "0020|0032",
                        "0020|0037", "0020|0013", "0028|1052", "0028|1053", "0018|0088", "0018|0050",
                        "0028|0010", "0028|0011", "0028|0100", "0028|0002", "0028|0008", "0028|0004"}) {
    std::string v;
    if (io->GetValueFromTag(t, v)) tags[t] = trim(v);
  }
  return tags;
}

// GDCM pads pixel data that stop early (a truncated file) instead of failing.
// For native (unencapsulated) pixel data, compare the bytes the file holds
// after the last (7FE0,0010) element header with Rows x Columns x Samples x
// Bits/8 x Frames; throws FormatError naming path when they are fewer.
void check_pixel_data_complete(const std::string& path, const std::map<std::string, std::string>& tags) {
  auto number = [&](const char* key, double fallback) {
    auto it = tags.find(key);
    if (it == tags.end()) return fallback;
    const auto v = parse_numbers(it->second);
    return v.size() == 1 ? v[0] : fallback;
  };
  const double rows = number("0028|0010", 0), cols = number("0028|0011", 0);
  const double bits = number("0028|0100", 0), spp = number("0028|0002", 1), frames = number("0028|0008", 1);
  if (rows <= 0 || cols <= 0 || bits <= 0) return;
  // 4:2:2 YBR stores two values per pixel; 1-bit data (SEG) is packed.
  auto pi = tags.find("0028|0004");
  const bool ybr422 = pi != tags.end() && pi->second.find("_422") != std::string::npos;
  const double values = rows * cols * frames * (ybr422 ? 2.0 : spp);
  const double expected = std::ceil(values * bits / 8.0);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto u32 = [&](size_t at, bool big) {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data() + at);
    return big ? uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]
               : uint32_t(b[3]) << 24 | uint32_t(b[2]) << 16 | uint32_t(b[1]) << 8 | b[0];
  };
  for (bool big : {false, true}) {
    const std::string tag = big ? std::string("\x7f\xe0\x00\x10", 4) : std::string("\xe0\x7f\x10\x00", 4);
    const size_t at = bytes.rfind(tag);
    if (at == std::string::npos || at + 12 > bytes.size()) continue;
    const std::string vr = bytes.substr(at + 4, 2);
    const bool explicit_vr = vr == "OB" || vr == "OW" || vr == "OF" || vr == "OD" || vr == "UN";
    if (big && !explicit_vr) continue;
    const size_t header = explicit_vr ? 12 : 8;
    const uint32_t length = u32(at + (explicit_vr ? 8 : 4), big);
    if (length == 0xffffffffu) return;  // encapsulated (compressed): the codec checks
    const double held = std::min<double>(length, static_cast<double>(bytes.size() - at - header));
    if (held < expected)
      throw FormatError(path, "truncated pixel data: " + std::to_string(static_cast<int64_t>(held)) + " of " +
                                  std::to_string(static_cast<int64_t>(expected)) + " bytes");
    return;
  }
}

// Debian's GDCM is built with assertions: a multi-frame header (Frame
// Increment Pointer) without NumberOfFrames aborts the process inside GDCM
// (pydicom's rtdose_rle_1frame.dcm). Refuse such files before GDCM sees them.
// Element headers are matched as tag + VR or tag + plausible implicit length,
// little- and big-endian, in the first 64 KiB.
void refuse_what_gdcm_cannot_survive(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(1 << 16, '\0');  // group 0028 sits well before the pixel data
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  // An element header: the tag, then a VR (two capitals) or an implicit
  // 4-byte length no larger than max_len.
  auto element = [&](const std::string& tag, bool big, uint32_t max_len) {
    for (size_t at = head.find(tag); at != std::string::npos; at = head.find(tag, at + 1)) {
      if (at + 8 > head.size()) break;
      const char v0 = head[at + 4], v1 = head[at + 5];
      if (v0 >= 'A' && v0 <= 'Z' && v1 >= 'A' && v1 <= 'Z') return true;
      if (big) continue;
      const auto* b = reinterpret_cast<const unsigned char*>(head.data() + at + 4);
      const uint32_t len = b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24;
      if (len > 0 && len <= max_len) return true;
    }
    return false;
  };
  const bool frame_pointer = element(std::string("\x28\x00\x09\x00", 4), false, 4) ||
                             element(std::string("\x00\x28\x00\x09", 4), true, 4);
  if (!frame_pointer) return;
  const bool frames = element(std::string("\x28\x00\x08\x00", 4), false, 12) ||
                      element(std::string("\x00\x28\x00\x08", 4), true, 12);
  if (!frames)
    throw FormatError(path, "multi-frame DICOM header (Frame Increment Pointer) without Number of Frames; "
                            "GDCM cannot read it");
}

// Header values the series logic uses, from GDCMImageIO's meta dictionary.
void take_header(DicomFile& f, itk::GDCMImageIO* io) {
  f.tags = read_tags(io);
  f.ipp = parse_numbers(f.tag("0020|0032"));
  if (f.ipp.size() != 3) f.ipp.clear();
  f.iop = parse_numbers(f.tag("0020|0037"));
  if (f.iop.size() != 6) f.iop.clear();
  const auto slope = parse_numbers(f.tag("0028|1053"));
  const auto intercept = parse_numbers(f.tag("0028|1052"));
  f.rescaled = (slope.size() == 1 && slope[0] != 1.0) || (intercept.size() == 1 && intercept[0] != 0.0);
  const auto inst = parse_numbers(f.tag("0020|0013"));
  f.has_instance = inst.size() == 1;
  f.instance = f.has_instance ? inst[0] : 0;
}

// Pixels and header of one file.
DicomFile read_one(const std::string& path) {
  io_detail::register_itk_factories();
  itk::GDCMImageIO::Pointer io = itk::GDCMImageIO::New();
  refuse_what_gdcm_cannot_survive(path);
  DicomFile f;
  f.path = path;
  f.image = io_detail::read_with_itk_io(io.GetPointer(), path);
  take_header(f, io.GetPointer());
  check_pixel_data_complete(path, f.tags);
  return f;
}

// Header values only (GDCMImageIO::ReadImageInformation; no pixel copy).
DicomFile read_header(const std::string& path) {
  io_detail::register_itk_factories();
  refuse_what_gdcm_cannot_survive(path);
  itk::GDCMImageIO::Pointer io = itk::GDCMImageIO::New();
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw FormatError(path, "cannot read the DICOM header: " + io_detail::itk_reason(e));
  }
  DicomFile f;
  f.path = path;
  take_header(f, io.GetPointer());
  return f;
}

void fill_meta(Image& image, const DicomFile& f, int64_t slices) {
  for (const auto& [tag, name] : kMetaTags) image.meta[name] = f.tag(tag);
  image.modality = f.tag("0008|0060");
  image.meta["slices"] = std::to_string(slices);
}

// Rescaled pixels are float32 (the header's contract), whatever integer type
// GDCM chose for them.
void apply_rescale_type(Image& image, bool rescaled) {
  if (rescaled && image.pixel_type != PixelType::Float32 && image.pixel_type != PixelType::Float64) {
    image.data = image.data.to(torch::kFloat);
    image.pixel_type = PixelType::Float32;
  }
}

std::string join_doubles(const std::vector<double>& v) {
  std::ostringstream s;
  s.precision(10);
  for (size_t i = 0; i < v.size(); ++i) s << (i ? "\\" : "") << v[i];
  return s.str();
}

std::array<double, 3> cross(const double* a, const double* b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

std::string describe_series(const std::vector<DicomSeriesInfo>& all) {
  std::string s;
  for (const auto& info : all) {
    if (!s.empty()) s += "; ";
    s += info.uid + " (" + (info.modality.empty() ? "?" : info.modality);
    if (!info.description.empty()) s += " '" + info.description + "'";
    s += ", " + std::to_string(info.files.size()) + " file" + (info.files.size() == 1 ? "" : "s") + ")";
  }
  return s;
}


// A series: the files of one SeriesInstanceUID, with their headers.
struct SeriesGroup {
  std::string uid;
  std::vector<std::string> files;
  std::vector<DicomFile> headers;
};

// Groups the DICOM files of a folder (not its sub-folders) by
// SeriesInstanceUID. Headers are read here, one file at a time, so a file
// GDCM would abort on (refuse_what_gdcm_cannot_survive) or cannot parse is
// skipped with a debug line instead of taking the process down, as
// itk::GDCMSeriesFileNames' own scan of the folder would.
std::vector<SeriesGroup> group_series(const std::string& folder) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) throw IoError(folder, "no such file or folder");
  if (!fs::is_directory(folder, ec)) throw IoError(folder, "not a folder");
  std::vector<std::string> files;
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) files.push_back(it->path().string());
  if (ec) throw IoError(folder, "cannot list the folder: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<SeriesGroup> out;
  for (const auto& file : files) {
    if (!is_dicom_file(file)) continue;
    DicomFile header;
    try {
      header = read_header(file);
    } catch (const Error& e) {
      spdlog::debug("skipping {}: {}", file, e.what());
      continue;
    }
    std::string uid = trim(header.tag("0020|000e"));
    auto g = std::find_if(out.begin(), out.end(), [&](const SeriesGroup& x) { return x.uid == uid; });
    if (g == out.end()) {
      out.push_back(SeriesGroup{uid, {}, {}});
      g = std::prev(out.end());
    }
    g->files.push_back(file);
    g->headers.push_back(std::move(header));
  }
  return out;
}

// How the slices of a series stack.
struct SliceOrder {
  std::array<double, 3> normal{0, 0, 1};
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};  // the reference slice's
  bool positioned = false;  // every slice has position and orientation
  bool parallel = true;     // every slice has the reference orientation
};

// Sorts slices in place. Reference slice: the lowest InstanceNumber (then
// file name). With positions: by ImagePositionPatient projected on the
// reference slice's normal (row x column cosines); without: by
// InstanceNumber, then file name.
SliceOrder order_slices(std::vector<DicomFile>& v) {
  SliceOrder o;
  std::stable_sort(v.begin(), v.end(), [](const DicomFile& a, const DicomFile& b) {
    if (a.has_instance != b.has_instance) return a.has_instance;
    if (a.instance != b.instance) return a.instance < b.instance;
    return a.path < b.path;
  });
  o.positioned = !v.empty() && std::all_of(v.begin(), v.end(), [](const DicomFile& h) {
    return h.ipp.size() == 3 && h.iop.size() == 6;
  });
  if (!o.positioned) return o;
  const std::vector<double> ref = v.front().iop;
  auto n = cross(ref.data(), ref.data() + 3);
  const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (len < 1e-6) {
    o.positioned = false;
    return o;
  }
  for (auto& c : n) c /= len;
  o.normal = n;
  std::copy(ref.begin(), ref.end(), o.orientation.begin());
  for (const auto& h : v)
    for (int k = 0; k < 6; ++k)
      if (std::abs(h.iop[k] - ref[k]) > 1e-4) o.parallel = false;
  auto pos = [&](const DicomFile& h) { return h.ipp[0] * n[0] + h.ipp[1] * n[1] + h.ipp[2] * n[2]; };
  std::stable_sort(v.begin(), v.end(), [&](const DicomFile& a, const DicomFile& b) { return pos(a) < pos(b); });
  return o;
}

DicomSeriesInfo describe_group(const SeriesGroup& g, const DicomFile& first) {
  DicomSeriesInfo info;
  info.uid = g.uid;
  info.files = g.files;
  info.description = first.tag("0008|103e");
  info.modality = first.tag("0008|0060");
  return info;
}

}  // namespace

bool is_dicom_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char buf[132] = {};
  in.read(buf, sizeof buf);
  if (in.gcount() == 132 && std::string(buf + 128, 4) == "DICM") return true;
  // No preamble: the data set starts at byte 0 with a group 0002 or 0008
  // element, explicit VR (two capitals) or implicit (a short length).
  if (in.gcount() >= 8) {
    const auto* b = reinterpret_cast<const unsigned char*>(buf);
    const unsigned group_le = b[0] | b[1] << 8, group_be = b[0] << 8 | b[1];
    const bool vr = b[4] >= 'A' && b[4] <= 'Z' && b[5] >= 'A' && b[5] <= 'Z';
    const uint32_t len = b[4] | b[5] << 8 | b[6] << 16 | static_cast<uint32_t>(b[7]) << 24;
    if ((group_le == 0x0002 || group_le == 0x0008) && (vr || len < 0x10000)) return true;
    if ((group_be == 0x0002 || group_be == 0x0008) && vr) return true;
  }
  io_detail::register_itk_factories();
  try {
    itk::GDCMImageIO::Pointer io = itk::GDCMImageIO::New();
    return io->CanReadFile(path.c_str());
  } catch (...) {
    return false;
  }
}

std::vector<DicomSeriesInfo> list_dicom_series(const std::string& folder) {
  std::vector<DicomSeriesInfo> out;
  for (const auto& g : group_series(folder)) {
    std::vector<DicomFile> headers = g.headers;
    order_slices(headers);
    DicomSeriesInfo info = describe_group(g, headers.front());
    info.files.clear();
    for (const auto& h : headers) info.files.push_back(h.path);
    out.push_back(std::move(info));
  }
  return out;
}

Image read_dicom_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path, "no such file or folder");
  DicomFile f = read_one(path);
  Image image = std::move(f.image);
  if (image.dims() == 3 && image.data.size(1) == 1) {
    // A single frame: a 2-D image. Its place in 3-D space stays in meta.
    Geometry g = Geometry::identity(2);
    for (int i = 0; i < 2; ++i) {
      g.spacing[i] = image.geometry.spacing[i];
      g.origin[i] = image.geometry.origin[i];
      for (int j = 0; j < 2; ++j) g.set_dir(i, j, image.geometry.dir(i, j));
    }
    const double det = g.dir(0, 0) * g.dir(1, 1) - g.dir(0, 1) * g.dir(1, 0);
    if (std::abs(det) < 1e-6) g.direction = Geometry::identity(2).direction;
    image = Image(image.data.squeeze(1), g, image.pixel_type);
  }
  if (image.dims() == 2) {
    if (!f.ipp.empty()) image.meta["ImagePositionPatient"] = join_doubles(f.ipp);
    if (!f.iop.empty()) image.meta["ImageOrientationPatient"] = join_doubles(f.iop);
  }
  apply_rescale_type(image, f.rescaled);
  fill_meta(image, f, image.dims() == 3 ? image.data.size(1) : 1);
  image.source = path;
  return image;
}

Image read_dicom_series(const std::string& folder, const std::string& series_uid) {
  const std::vector<SeriesGroup> groups = group_series(folder);
  if (groups.empty()) throw DataError(folder, "no DICOM files found in this folder");
  const SeriesGroup* chosen = nullptr;
  if (!series_uid.empty()) {
    for (const auto& g : groups)
      if (g.uid == trim(series_uid)) chosen = &g;
  } else if (groups.size() == 1) {
    chosen = &groups.front();
  }
  if (!chosen) {
    std::vector<DicomSeriesInfo> infos;
    for (const auto& g : groups) infos.push_back(describe_group(g, g.headers.front()));
    if (series_uid.empty())
      throw DataError(folder, "holds " + std::to_string(groups.size()) +
                                  " DICOM series; choose one by its SeriesInstanceUID: " +
                                  describe_series(infos));
    throw DataError(folder, "no DICOM series with SeriesInstanceUID " + series_uid +
                                " (series present: " + describe_series(infos) + ")");
  }
  if (chosen->files.size() == 1) {
    Image one = read_dicom_file(chosen->files.front());
    one.source = folder;
    return one;
  }

  // Every file read once (pixels and header), then ordered.
  std::vector<DicomFile> slices;
  for (const auto& file : chosen->files) slices.push_back(read_one(file));
  const SliceOrder order = order_slices(slices);
  const Image& ref = slices.front().image;
  for (const auto& s : slices) {
    const Image& im = s.image;
    const int64_t frames = im.dims() == 3 ? im.data.size(1) : 1;
    if (frames != 1)
      throw DataError(s.path, "a multi-frame file inside a series of " + std::to_string(slices.size()) +
                                  " files; read it on its own");
    if (im.data.size(0) != ref.data.size(0) || im.data.size(-1) != ref.data.size(-1) ||
        im.data.size(-2) != ref.data.size(-2))
      throw DataError(s.path, "slice size differs from " + slices.front().path + " in series " +
                                  chosen->uid);
  }

  const int64_t n = static_cast<int64_t>(slices.size());
  const bool rescaled = std::any_of(slices.begin(), slices.end(), [](const DicomFile& s) { return s.rescaled; });
  PixelType pt = ref.pixel_type;
  for (const auto& s : slices)
    if (s.image.pixel_type != pt) pt = PixelType::Float32;
  if (rescaled && is_integer(pt)) pt = PixelType::Float32;
  std::vector<at::Tensor> planes;
  for (const auto& s : slices) {
    at::Tensor p = s.image.data;
    if (p.dim() == 4) p = p.squeeze(1);
    planes.push_back(p.to(storage_dtype(pt)));
  }
  at::Tensor volume = torch::stack(planes, 1).contiguous();  // [C, N, H, W]

  Geometry g = Geometry::identity(3);
  g.spacing[0] = ref.geometry.spacing[0];
  g.spacing[1] = ref.geometry.spacing[1];
  std::map<std::string, std::string> notes;
  if (order.positioned) {
    const auto& nrm = order.normal;
    auto pos = [&](const DicomFile& s) { return s.ipp[0] * nrm[0] + s.ipp[1] * nrm[1] + s.ipp[2] * nrm[2]; };
    const double extent = pos(slices.back()) - pos(slices.front());
    if (extent <= 0)
      throw DataError(folder, "the slices of series " + chosen->uid + " share one position");
    g.spacing[2] = extent / static_cast<double>(n - 1);
    double worst = 0;
    for (int64_t k = 1; k < n; ++k)
      worst = std::max(worst, std::abs(pos(slices[k]) - pos(slices[k - 1]) - g.spacing[2]));
    if (worst > 0.01 * g.spacing[2]) notes["slice_spacing"] = "uneven";
    if (!order.parallel) notes["slice_orientation"] = "varies";
    for (int r = 0; r < 3; ++r) {
      g.origin[r] = slices.front().ipp[r];
      g.set_dir(r, 0, order.orientation[r]);
      g.set_dir(r, 1, order.orientation[3 + r]);
      g.set_dir(r, 2, nrm[r]);
    }
  } else {
    const auto between = parse_numbers(slices.front().tag("0018|0088"));
    const auto thick = parse_numbers(slices.front().tag("0018|0050"));
    g.spacing[2] = between.size() == 1 && between[0] > 0 ? between[0]
                   : thick.size() == 1 && thick[0] > 0   ? thick[0]
                                                         : 1.0;
    for (int i = 0; i < 2; ++i) g.origin[i] = ref.geometry.origin[i];
  }
  if (!notes.empty()) {
    std::string what;
    for (const auto& [k, v] : notes) what += (what.empty() ? "" : ", ") + k + " " + v;
    spdlog::warn("{}: DICOM series {} is not a regular volume ({}); stacked along the normal of its "
                 "first instance with mean spacing {:.4g} mm",
                 folder, chosen->uid, what, g.spacing[2]);
  }

  Image image(volume, g, pt);
  fill_meta(image, slices.front(), n);
  for (const auto& [k, v] : notes) image.meta[k] = v;
  image.source = folder;
  return image;
}

}  // namespace medcnn
