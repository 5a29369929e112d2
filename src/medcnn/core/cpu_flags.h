// cpu_has_flag: whether the CPU advertises an instruction-set flag, as
// /proc/cpuinfo's "flags" line names it ("avx512_vnni", "amx_bf16", ...).
// False where /proc/cpuinfo has no flags line (not Linux on x86).
#pragma once
#include <string>

namespace medcnn {

bool cpu_has_flag(const std::string& flag);

}  // namespace medcnn
