#include "medcnn/core/params.h"

#include "medcnn/core/error.h"

namespace medcnn {

void check_keys(const nlohmann::json& p, const std::string& where,
                const std::vector<std::string>& allowed) {
  if (p.is_null()) return;
  if (!p.is_object()) throw ConfigError(where, "parameters must be a table");
  for (const auto& [key, value] : p.items()) {
    if (key == "name") continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw ConfigError(where + "." + key,
                        "unknown parameter (allowed: " + (list.empty() ? "none" : list) + ")");
    }
  }
}

}  // namespace medcnn
