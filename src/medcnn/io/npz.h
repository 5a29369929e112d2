// NumPy .npy / .npz reading (a .npz is a zip of .npy files; libzip).
//
// Supports little- and big-endian bool, (u)int8/16/32/64, float32/64 arrays
// in C or Fortran order. Arrays come back as CPU tensors of the nearest torch
// dtype (uint16 -> int32, uint32 -> int64).
// Errors: IoError if the file is missing, FormatError naming the file and
// the key for a corrupt archive, a bad .npy header or a missing key.
#pragma once
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace medcnn {

std::vector<std::string> npz_keys(const std::string& path);
at::Tensor read_npz_array(const std::string& path, const std::string& key);
std::map<std::string, at::Tensor> read_npz(const std::string& path);
at::Tensor read_npy(const std::string& path);
// Writes uncompressed .npz (for tests and exports), atomically.
void write_npz(const std::string& path, const std::map<std::string, at::Tensor>& arrays);

}  // namespace medcnn
