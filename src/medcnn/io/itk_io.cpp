#include "medcnn/io/itk_io.h"

#include <gdcmTrace.h>
#include <spdlog/spdlog.h>

#include <itkGDCMImageIOFactory.h>
#include <itkImageIOFactory.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>
#include <itkObject.h>
#include <torch/torch.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>

#include "medcnn/core/error.h"
#include "medcnn/io/atomic_write.h"
#include "medcnn/io/image_io.h"

namespace medcnn::io_detail {

using itk::IOComponentEnum;

void register_itk_factories() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::MetaImageIOFactory::RegisterOneFactory();
    itk::GDCMImageIOFactory::RegisterOneFactory();
    // Errors reach the user as exceptions; ITK's and GDCM's console
    // warnings are noise (GDCM's come back with --log-level debug).
    itk::Object::GlobalWarningDisplayOff();
    if (spdlog::get_level() > spdlog::level::debug) {
      gdcm::Trace::WarningOff();
      gdcm::Trace::ErrorOff();
    }
  });
}

std::string itk_reason(const itk::ExceptionObject& e) {
  std::string d = e.GetDescription() ? e.GetDescription() : "";
  while (!d.empty() && (d.back() == '\n' || d.back() == ' ' || d.back() == '\r')) d.pop_back();
  for (auto& c : d)
    if (c == '\n' || c == '\r') c = ' ';
  // "ITK ERROR: GDCMImageIO(0x55...): Cannot read requested file" -> the reason.
  if (d.rfind("ITK ERROR: ", 0) == 0) {
    const size_t cut = d.find("): ");
    if (cut != std::string::npos) d = d.substr(cut + 3);
  }
  return d.empty() ? "ITK could not read it" : d;
}

namespace {

struct ComponentInfo {
  PixelType pixel_type;
  c10::ScalarType direct;  // tensor dtype with the same bytes, or Undefined
};

ComponentInfo component_info(IOComponentEnum c, size_t bytes, const std::string& path) {
  switch (c) {
    case IOComponentEnum::UCHAR: return {PixelType::UInt8, c10::kByte};
    case IOComponentEnum::CHAR: return {PixelType::Int8, c10::kChar};
    case IOComponentEnum::USHORT: return {PixelType::UInt16, c10::ScalarType::Undefined};
    case IOComponentEnum::SHORT: return {PixelType::Int16, c10::kShort};
    case IOComponentEnum::UINT: return {PixelType::UInt32, c10::ScalarType::Undefined};
    case IOComponentEnum::INT: return {PixelType::Int32, c10::kInt};
    case IOComponentEnum::LONG:
    case IOComponentEnum::LONGLONG:
      return {PixelType::Int64, bytes == 8 ? c10::kLong : c10::ScalarType::Undefined};
    case IOComponentEnum::ULONG:
    case IOComponentEnum::ULONGLONG:
      return {bytes == 8 ? PixelType::Int64 : PixelType::UInt32, c10::ScalarType::Undefined};
    case IOComponentEnum::FLOAT: return {PixelType::Float32, c10::kFloat};
    case IOComponentEnum::DOUBLE: return {PixelType::Float64, c10::kDouble};
    default:
      throw FormatError(path, std::string("unsupported pixel component type '") +
                                  itk::ImageIOBase::GetComponentTypeAsString(c) + "'");
  }
}

template <typename Src, typename Dst>
void convert_into(const char* src, at::Tensor& dst, int64_t n) {
  const Src* s = reinterpret_cast<const Src*>(src);
  Dst* d = dst.data_ptr<Dst>();
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<Dst>(s[i]);
}

bool singular(const std::array<double, 9>& m, int dims) {
  double det;
  auto a = [&](int r, int c) { return m[r * 3 + c]; };
  if (dims == 1) det = a(0, 0);
  else if (dims == 2) det = a(0, 0) * a(1, 1) - a(0, 1) * a(1, 0);
  else
    det = a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
          a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
          a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
  return !std::isfinite(det) || std::abs(det) < 1e-6;
}

}  // namespace

Image read_with_itk_io(itk::ImageIOBase* io, const std::string& path) {
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
    const unsigned file_dims = io->GetNumberOfDimensions();
    unsigned dims = file_dims;
    while (dims > 3 && io->GetDimensions(dims - 1) == 1) --dims;
    if (dims < 1 || dims > 3)
      throw FormatError(path, std::to_string(file_dims) +
                                  "-D images are not supported (1-D, 2-D and 3-D only)");
    const int64_t comps = io->GetNumberOfComponents();
    if (comps < 1) throw FormatError(path, "the header gives no pixel components");
    const size_t comp_bytes = io->GetComponentSize();
    const ComponentInfo info = component_info(io->GetComponentType(), comp_bytes, path);

    itk::ImageIORegion region(file_dims);
    std::vector<int64_t> shape;  // tensor order: z, y, x, components
    int64_t pixels = 1;
    for (unsigned i = 0; i < file_dims; ++i) {
      region.SetIndex(i, 0);
      region.SetSize(i, io->GetDimensions(i));
      pixels *= static_cast<int64_t>(io->GetDimensions(i));
    }
    for (int i = static_cast<int>(dims) - 1; i >= 0; --i)
      shape.push_back(static_cast<int64_t>(io->GetDimensions(i)));
    shape.push_back(comps);
    if (pixels <= 0) throw FormatError(path, "the image is empty (a size is 0)");
    io->SetIORegion(region);

    const int64_t values = pixels * comps;
    if (static_cast<size_t>(values) * comp_bytes != io->GetImageSizeInBytes())
      throw FormatError(path, "inconsistent image size in the header");

    at::Tensor t;
    if (info.direct != c10::ScalarType::Undefined &&
        c10::elementSize(info.direct) == comp_bytes) {
      t = torch::empty(shape, torch::TensorOptions().dtype(info.direct));
      io->Read(t.data_ptr());
    } else {
      std::vector<char> buffer(static_cast<size_t>(values) * comp_bytes);
      io->Read(buffer.data());
      t = torch::empty(shape, torch::TensorOptions().dtype(storage_dtype(info.pixel_type)));
      const char* b = buffer.data();
      switch (io->GetComponentType()) {
        case IOComponentEnum::USHORT: convert_into<uint16_t, int32_t>(b, t, values); break;
        case IOComponentEnum::UINT: convert_into<uint32_t, int64_t>(b, t, values); break;
        case IOComponentEnum::ULONG:
        case IOComponentEnum::ULONGLONG:
          if (comp_bytes == 8) convert_into<uint64_t, int64_t>(b, t, values);
          else convert_into<uint32_t, int64_t>(b, t, values);
          break;
        case IOComponentEnum::LONG:
        case IOComponentEnum::LONGLONG:
          convert_into<int32_t, int64_t>(b, t, values);
          break;
        default: throw FormatError(path, "unexpected component size");
      }
    }
    // [spatial..., C] -> [C, spatial...]
    std::vector<int64_t> perm{static_cast<int64_t>(dims)};
    for (unsigned i = 0; i < dims; ++i) perm.push_back(i);
    t = t.permute(perm).contiguous();

    Geometry g = Geometry::identity(static_cast<int>(dims));
    for (unsigned i = 0; i < dims; ++i) {
      g.spacing[i] = io->GetSpacing(i);
      g.origin[i] = io->GetOrigin(i);
      std::vector<double> col = io->GetDirection(i);
      for (unsigned r = 0; r < dims && r < col.size(); ++r) g.set_dir(r, i, col[r]);
    }
    if (singular(g.direction, g.dims)) g.direction = Geometry::identity(g.dims).direction;

    Image image(t, g, info.pixel_type);
    image.source = path;
    return image;
  } catch (const itk::ExceptionObject& e) {
    throw FormatError(path, "cannot read: " + itk_reason(e));
  } catch (const c10::Error& e) {
    throw FormatError(path, std::string("cannot read: ") + e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    throw FormatError(path, "cannot read: the header asks for more memory than is available");
  }
}

namespace {

// ITK's NIfTI reader does not notice a file whose voxel data stop early (a
// truncated .nii or .nii.gz reads as zeros). Check the size the header
// promises against what the file holds; throws FormatError naming path.
void check_nifti_complete(const std::string& path) {
  const bool gz = file_extension(path) == ".nii.gz";
  if (!gz && file_extension(path) != ".nii") return;  // .hdr/.img pairs: ITK checks
  std::string h(540, '\0');
  if (gz) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return;
    const int got = gzread(f, h.data(), 540);
    gzclose(f);
    h.resize(got > 0 ? static_cast<size_t>(got) : 0);
  } else {
    std::ifstream in(path, std::ios::binary);
    in.read(h.data(), 540);
    h.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  }
  if (h.size() < 348) throw FormatError(path, "truncated NIfTI header");
  auto get = [&](size_t off, size_t n, bool swap) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t b = static_cast<unsigned char>(h[off + (swap ? i : n - 1 - i)]);
      v = (v << 8) | b;
    }
    return v;
  };
  // Values are little-endian unless the header's size reads right swapped.
  bool swap;
  int version;
  if (get(0, 4, false) == 348) { swap = false; version = 1; }
  else if (get(0, 4, true) == 348) { swap = true; version = 1; }
  else if (h.size() >= 540 && get(0, 4, false) == 540) { swap = false; version = 2; }
  else if (h.size() >= 540 && get(0, 4, true) == 540) { swap = true; version = 2; }
  else return;  // not a NIfTI header: let ITK say so
  uint64_t offset, bitpix, nvox = 1;
  if (version == 1) {
    if (h.compare(344, 3, "n+1") != 0) return;  // header-only file of a pair
    const int ndim = static_cast<int16_t>(get(40, 2, swap));
    if (ndim < 1 || ndim > 7) return;
    for (int i = 1; i <= ndim; ++i) {
      const int d = static_cast<int16_t>(get(40 + 2 * i, 2, swap));
      if (d < 1) return;
      nvox *= static_cast<uint64_t>(d);
    }
    bitpix = static_cast<uint16_t>(get(72, 2, swap));
    uint32_t raw = static_cast<uint32_t>(get(108, 4, swap));
    float vox_offset;
    std::memcpy(&vox_offset, &raw, 4);
    if (!(vox_offset >= 0) || vox_offset > 1e9) return;
    offset = static_cast<uint64_t>(vox_offset);
    if (offset < 352) offset = 352;
  } else {
    if (h.compare(4, 3, "n+2") != 0) return;
    const int64_t ndim = static_cast<int64_t>(get(16, 8, swap));
    if (ndim < 1 || ndim > 7) return;
    for (int i = 1; i <= ndim; ++i) {
      const int64_t d = static_cast<int64_t>(get(16 + 8 * i, 8, swap));
      if (d < 1) return;
      nvox *= static_cast<uint64_t>(d);
    }
    bitpix = static_cast<uint16_t>(get(14, 2, swap));
    offset = get(168, 8, swap);
  }
  if (bitpix == 0 || bitpix % 8 != 0) return;
  const uint64_t need = offset + nvox * (bitpix / 8);
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) return;
  if (!gz) {
    if (file_size < need)
      throw FormatError(path, "truncated NIfTI file: " + std::to_string(file_size) + " of " +
                                  std::to_string(need) + " bytes");
    return;
  }
  // gzip: the trailer's ISIZE is the data size mod 2^32; if it disagrees,
  // decompress to be sure (a stream of several members may still be whole).
  if (file_size >= 18) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(-4, std::ios::end);
    unsigned char t[4] = {};
    in.read(reinterpret_cast<char*>(t), 4);
    const uint32_t isize = t[0] | t[1] << 8 | t[2] << 16 | static_cast<uint32_t>(t[3]) << 24;
    if (isize == static_cast<uint32_t>(need & 0xffffffffu)) return;
  }
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw IoError(path, "cannot open for reading");
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  int got;
  while ((got = gzread(f, buf.data(), static_cast<unsigned>(buf.size()))) > 0) total += got;
  int errnum = Z_OK;
  const char* msg = gzerror(f, &errnum);
  std::string why = errnum != Z_OK && msg ? msg : "";
  gzclose(f);
  if (total < need || got < 0)
    throw FormatError(path, "truncated or corrupt NIfTI .gz: " + std::to_string(total) + " of " +
                                std::to_string(need) + " bytes decompress" +
                                (why.empty() ? "" : " (" + why + ")"));
}

}  // namespace

Image read_itk(const std::string& path) {
  register_itk_factories();
  itk::ImageIOBase::Pointer io;
  try {
    io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
  } catch (const itk::ExceptionObject& e) {
    throw FormatError(path, "cannot read: " + itk_reason(e));
  }
  if (!io) {
    const ImageFormat f = detect_format(path);
    if (f == ImageFormat::Nifti || f == ImageFormat::Nrrd || f == ImageFormat::MetaImage)
      throw FormatError(path, std::string("the bytes are ") + format_name(f) +
                                  " but ITK reads that format only from its usual file names "
                                  "(.nii/.nii.gz/.hdr, .nrrd/.nhdr, .mha/.mhd); rename the file");
    throw FormatError(path, "no NIfTI, NRRD, MetaImage or DICOM reader accepts this file");
  }
  if (std::string(io->GetNameOfClass()) == "NiftiImageIO") check_nifti_complete(path);
  return read_with_itk_io(io.GetPointer(), path);
}

namespace {

struct WriteType {
  IOComponentEnum component;
  c10::ScalarType dtype;  // dtype whose bytes are the file's component
  double lo, hi;          // representable range
};

WriteType write_type(PixelType t) {
  switch (t) {
    case PixelType::Bool: return {IOComponentEnum::UCHAR, c10::kByte, 0, 1};
    case PixelType::UInt8: return {IOComponentEnum::UCHAR, c10::kByte, 0, 255};
    case PixelType::Int8: return {IOComponentEnum::CHAR, c10::kChar, -128, 127};
    case PixelType::UInt16: return {IOComponentEnum::USHORT, c10::kInt, 0, 65535};
    case PixelType::Int16: return {IOComponentEnum::SHORT, c10::kShort, -32768, 32767};
    case PixelType::UInt32: return {IOComponentEnum::UINT, c10::kLong, 0, 4294967295.0};
    case PixelType::Int32: return {IOComponentEnum::INT, c10::kInt, -2147483648.0, 2147483647.0};
    case PixelType::Int64:
      return {IOComponentEnum::LONG, c10::kLong, -9.2233720368547758e18, 9.2233720368547758e18};
    case PixelType::Float32:
      return {IOComponentEnum::FLOAT, c10::kFloat, -std::numeric_limits<double>::infinity(),
              std::numeric_limits<double>::infinity()};
    case PixelType::Float64:
      return {IOComponentEnum::DOUBLE, c10::kDouble, -std::numeric_limits<double>::infinity(),
              std::numeric_limits<double>::infinity()};
  }
  return {IOComponentEnum::FLOAT, c10::kFloat, 0, 0};
}

}  // namespace

void write_itk(const std::string& path, const Image& image) {
  register_itk_factories();
  if (!image.defined()) throw FormatError(path, "cannot write an empty image");
  try {
    image.validate();
  } catch (const std::logic_error& e) {
    throw FormatError(path, std::string("cannot write an inconsistent image: ") + e.what());
  }
  const WriteType wt = write_type(image.pixel_type);
  const int dims = image.dims();
  const int64_t comps = image.channels();

  // Pixels in the file's layout: [spatial..., C] of the file's component type.
  at::Tensor data = image.data.detach().to(torch::kCPU);
  if (is_integer(image.pixel_type) && data.numel() > 0 && data.scalar_type() != c10::kBool) {
    const double lo = data.min().item<double>(), hi = data.max().item<double>();
    if (lo < wt.lo || hi > wt.hi)
      throw FormatError(path, "values [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                  "] do not fit pixel type " + pixel_type_name(image.pixel_type));
  }
  std::vector<int64_t> perm;
  for (int i = 1; i <= dims; ++i) perm.push_back(i);
  perm.push_back(0);
  data = data.permute(perm).to(wt.dtype).contiguous();
  const int64_t values = data.numel();
  std::vector<char> converted;
  const void* buffer = data.data_ptr();
  if (image.pixel_type == PixelType::UInt16 || image.pixel_type == PixelType::UInt32) {
    const bool u16 = image.pixel_type == PixelType::UInt16;
    converted.resize(static_cast<size_t>(values) * (u16 ? 2 : 4));
    if (u16) {
      const int32_t* s = data.data_ptr<int32_t>();
      auto* d = reinterpret_cast<uint16_t*>(converted.data());
      for (int64_t i = 0; i < values; ++i) d[i] = static_cast<uint16_t>(s[i]);
    } else {
      const int64_t* s = data.data_ptr<int64_t>();
      auto* d = reinterpret_cast<uint32_t*>(converted.data());
      for (int64_t i = 0; i < values; ++i) d[i] = static_cast<uint32_t>(s[i]);
    }
    buffer = converted.data();
  }

  auto write = [&](const std::string& tmp) {
    try {
      itk::ImageIOBase::Pointer io =
          itk::ImageIOFactory::CreateImageIO(tmp.c_str(), itk::IOFileModeEnum::WriteMode);
      if (!io)
        throw FormatError(path, "no ITK writer for the extension '" + file_extension(path) + "'");
      io->SetNumberOfDimensions(dims);
      const auto size = image.size();
      itk::ImageIORegion region(dims);
      for (int i = 0; i < dims; ++i) {
        io->SetDimensions(i, static_cast<itk::SizeValueType>(size[i]));
        io->SetSpacing(i, image.geometry.spacing[i]);
        io->SetOrigin(i, image.geometry.origin[i]);
        std::vector<double> col(dims);
        for (int r = 0; r < dims; ++r) col[r] = image.geometry.dir(r, i);
        io->SetDirection(i, col);
        region.SetIndex(i, 0);
        region.SetSize(i, static_cast<itk::SizeValueType>(size[i]));
      }
      io->SetComponentType(wt.component);
      io->SetNumberOfComponents(static_cast<unsigned>(comps));
      io->SetPixelType(comps == 1 ? itk::IOPixelEnum::SCALAR : itk::IOPixelEnum::VECTOR);
      io->SetIORegion(region);
      io->SetFileName(tmp);
      io->SetUseCompression(file_extension(path) == ".nii.gz");
      io->Write(buffer);
    } catch (const itk::ExceptionObject& e) {
      throw IoError(path, "cannot write: " + itk_reason(e));
    }
  };
  const std::string ext = file_extension(path);
  if (ext == ".mhd" || ext == ".nhdr")
    write_atomically_set(path, write);
  else
    write_atomically(path, write);
}

}  // namespace medcnn::io_detail
