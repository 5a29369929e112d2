// Checking the keys of a config table (a transform's, a network's, a
// loss's, the optimiser's ...).
//
// check_keys(p, where, allowed): ConfigError "<where>.<key>: unknown
// parameter (allowed: ...)" for the first key of `p` that is not in
// `allowed`; "name" is always allowed; a null `p` passes; a non-object
// `p` is a ConfigError naming `where`.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace medcnn {

void check_keys(const nlohmann::json& p, const std::string& where,
                const std::vector<std::string>& allowed);

}  // namespace medcnn
