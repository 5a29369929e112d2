// PhysioNet WFDB records (MIT-BIH ECG and others): 1-D multi-channel signals.
//
// read_wfdb(path): path is the record's .hea header (or the .dat beside it).
// Supports signal formats 16 (16-bit little-endian) and 212 (two 12-bit
// samples in 3 bytes), all signals in one .dat file. Returns a 1-D Image
// [signals, samples] float32 in physical units ((adu - baseline) / gain,
// usually mV); spacing[0] = 1 / sampling frequency (seconds). meta holds
// "fs", "signals", "units" and "leads" (comma-separated descriptions).
// Errors: IoError for a missing file, FormatError naming the file for a bad
// header, an unsupported format or a .dat shorter than the header says.
#pragma once
#include <string>

#include "medcnn/core/image.h"

namespace medcnn {

bool is_wfdb_header(const std::string& path);
Image read_wfdb(const std::string& path);

}  // namespace medcnn
