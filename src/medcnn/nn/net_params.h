// NetParams: typed, checked access to a NetworkSpec's `params`.
//
// The constructor throws ConfigError "network.NAME.KEY: unknown parameter
// (allowed: ...)" for a key outside `allowed`. Each getter returns the
// default when the key is absent and throws ConfigError naming the key when
// the value has the wrong type or lies outside the stated range / choices.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "medcnn/nn/network.h"

namespace medcnn {

class NetParams {
 public:
  NetParams(const NetworkSpec& spec, const std::vector<std::string>& allowed);
  int64_t get_int(const std::string& key, int64_t def, int64_t min = 1,
                  int64_t max = std::numeric_limits<int64_t>::max()) const;
  double get_double(const std::string& key, double def, double min = 0.0,
                    double max = std::numeric_limits<double>::infinity()) const;
  // A probability in [0, 1).
  double get_prob(const std::string& key, double def) const;
  bool get_bool(const std::string& key, bool def) const;
  std::string get_string(const std::string& key, const std::string& def,
                         const std::vector<std::string>& choices = {}) const;
  // A non-empty list of integers, each >= min.
  std::vector<int64_t> get_ints(const std::string& key, const std::vector<int64_t>& def,
                                int64_t min = 1) const;
  // "network.NAME.KEY", for error messages.
  std::string where(const std::string& key) const;

 private:
  const nlohmann::json* find(const std::string& key) const;
  nlohmann::json params_;
  std::string name_;
};

}  // namespace medcnn
