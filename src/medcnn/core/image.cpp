#include "medcnn/core/image.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "medcnn/core/error.h"

namespace medcnn {

const char* pixel_type_name(PixelType t) {
  switch (t) {
    case PixelType::UInt8: return "uint8";
    case PixelType::Int8: return "int8";
    case PixelType::UInt16: return "uint16";
    case PixelType::Int16: return "int16";
    case PixelType::UInt32: return "uint32";
    case PixelType::Int32: return "int32";
    case PixelType::Int64: return "int64";
    case PixelType::Float32: return "float32";
    case PixelType::Float64: return "float64";
    case PixelType::Bool: return "bool";
  }
  return "unknown";
}

PixelType pixel_type_from_name(const std::string& name) {
  for (PixelType t : {PixelType::UInt8, PixelType::Int8, PixelType::UInt16, PixelType::Int16,
                      PixelType::UInt32, PixelType::Int32, PixelType::Int64, PixelType::Float32,
                      PixelType::Float64, PixelType::Bool}) {
    if (name == pixel_type_name(t)) return t;
  }
  throw ConfigError("pixel type", "unknown pixel type '" + name +
                                      "' (use uint8, int8, uint16, int16, uint32, int32, int64, "
                                      "float32, float64 or bool)");
}

bool is_integer(PixelType t) { return t != PixelType::Float32 && t != PixelType::Float64; }

c10::ScalarType storage_dtype(PixelType t) {
  switch (t) {
    case PixelType::UInt8: return c10::kByte;
    case PixelType::Int8: return c10::kChar;
    case PixelType::UInt16: return c10::kInt;
    case PixelType::Int16: return c10::kShort;
    case PixelType::UInt32: return c10::kLong;
    case PixelType::Int32: return c10::kInt;
    case PixelType::Int64: return c10::kLong;
    case PixelType::Float32: return c10::kFloat;
    case PixelType::Float64: return c10::kDouble;
    case PixelType::Bool: return c10::kBool;
  }
  return c10::kFloat;
}

PixelType pixel_type_of(c10::ScalarType d) {
  switch (d) {
    case c10::kByte: return PixelType::UInt8;
    case c10::kChar: return PixelType::Int8;
    case c10::kShort: return PixelType::Int16;
    case c10::kInt: return PixelType::Int32;
    case c10::kLong: return PixelType::Int64;
    case c10::kDouble: return PixelType::Float64;
    case c10::kBool: return PixelType::Bool;
    default: return PixelType::Float32;
  }
}

Geometry Geometry::identity(int dims) {
  if (dims < 1 || dims > 3) throw std::logic_error("Geometry: dims must be 1, 2 or 3");
  Geometry g;
  g.dims = dims;
  return g;
}

std::array<double, 3> Geometry::index_to_physical(const std::array<double, 3>& index) const {
  std::array<double, 3> p{0, 0, 0};
  for (int r = 0; r < dims; ++r) {
    double v = origin[r];
    for (int c = 0; c < dims; ++c) v += dir(r, c) * spacing[c] * index[c];
    p[r] = v;
  }
  return p;
}

bool Geometry::same_as(const Geometry& o, double tol) const {
  if (dims != o.dims) return false;
  for (int i = 0; i < dims; ++i) {
    double s = std::max(std::abs(spacing[i]), 1e-12);
    if (std::abs(spacing[i] - o.spacing[i]) > tol * s) return false;
    if (std::abs(origin[i] - o.origin[i]) > tol * std::max(1.0, s)) return false;
  }
  for (int r = 0; r < dims; ++r)
    for (int c = 0; c < dims; ++c)
      if (std::abs(dir(r, c) - o.dir(r, c)) > tol) return false;
  return true;
}

namespace {
std::string join(const double* v, int n) {
  std::ostringstream s;
  s << "(";
  for (int i = 0; i < n; ++i) s << (i ? ", " : "") << v[i];
  s << ")";
  return s.str();
}
}  // namespace

std::string Geometry::describe() const {
  std::vector<double> d;
  for (int r = 0; r < dims; ++r)
    for (int c = 0; c < dims; ++c) d.push_back(dir(r, c));
  return "spacing " + join(spacing.data(), dims) + " origin " + join(origin.data(), dims) +
         " direction " + join(d.data(), static_cast<int>(d.size()));
}

Image::Image(at::Tensor d, Geometry g, PixelType t)
    : data(std::move(d)), geometry(g), pixel_type(t) {
  validate();
}

Image Image::from_tensor(at::Tensor d, int dims) {
  return Image(std::move(d), Geometry::identity(dims), pixel_type_of(d.scalar_type()));
}

std::array<int64_t, 3> Image::size() const {
  std::array<int64_t, 3> s{1, 1, 1};
  const int n = dims();
  for (int i = 0; i < n; ++i) s[i] = data.size(data.dim() - 1 - i);
  return s;
}

std::vector<int64_t> Image::spatial_shape() const {
  auto sz = data.sizes();
  return std::vector<int64_t>(sz.begin() + 1, sz.end());
}

int64_t Image::num_pixels() const {
  int64_t n = 1;
  for (auto v : spatial_shape()) n *= v;
  return n;
}

Image Image::with_data(at::Tensor new_data) const {
  const PixelType t = pixel_type_of(new_data.scalar_type());
  return with_data(std::move(new_data), t);
}

Image Image::with_data(at::Tensor new_data, PixelType t) const {
  Image out = *this;
  out.data = std::move(new_data);
  out.pixel_type = t;
  out.validate();
  return out;
}

void Image::validate() const {
  if (!data.defined()) throw std::logic_error("Image: undefined tensor");
  if (geometry.dims < 1 || geometry.dims > 3)
    throw std::logic_error("Image: dims must be 1, 2 or 3");
  if (data.dim() != geometry.dims + 1)
    throw std::logic_error("Image: tensor has " + std::to_string(data.dim()) +
                           " axes, expected channels + " + std::to_string(geometry.dims));
}

std::string Image::summary() const {
  std::ostringstream s;
  auto sz = size();
  s << dims() << "-D ";
  for (int i = 0; i < dims(); ++i) s << (i ? "x" : "") << sz[i];
  s << " x" << channels() << " " << pixel_type_name(pixel_type) << " spacing "
    << join(geometry.spacing.data(), dims());
  return s.str();
}

void check_same_grid(const Image& image, const Image& mask, const std::string& where) {
  if (image.dims() != mask.dims())
    throw GeometryError(where, "image is " + std::to_string(image.dims()) + "-D but mask is " +
                                   std::to_string(mask.dims()) + "-D");
  auto a = image.size(), b = mask.size();
  for (int i = 0; i < image.dims(); ++i)
    if (a[i] != b[i]) {
      std::ostringstream s;
      s << "image and mask differ in size: image ";
      for (int k = 0; k < image.dims(); ++k) s << (k ? "x" : "") << a[k];
      s << ", mask ";
      for (int k = 0; k < mask.dims(); ++k) s << (k ? "x" : "") << b[k];
      s << " (pass resampling explicitly to pair them)";
      throw GeometryError(where, s.str());
    }
  if (!image.geometry.same_as(mask.geometry))
    throw GeometryError(where, "image and mask differ in geometry: image " +
                                   image.geometry.describe() + ", mask " +
                                   mask.geometry.describe() +
                                   " (pass resampling explicitly to pair them)");
}

}  // namespace medcnn
