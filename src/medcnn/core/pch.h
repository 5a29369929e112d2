// The one precompiled header shared by every medcnn target (see CMakeLists.txt).
// Heavy, stable headers only: torch and the standard library.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
