#include "medcnn/nn/blocks/activation.h"

#include "medcnn/core/error.h"

#include <cstdlib>

namespace medcnn {
namespace {

namespace tnn = torch::nn;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// "name(a, b)" -> name, {a, b}.
std::pair<std::string, std::vector<double>> parse(const std::string& spec) {
  const std::string where = "activation '" + spec + "'";
  const auto open = spec.find('(');
  if (open == std::string::npos) return {trim(spec), {}};
  if (spec.back() != ')') throw ConfigError(where, "expected NAME or NAME(ARGS)");
  std::vector<double> args;
  std::string inner = spec.substr(open + 1, spec.size() - open - 2);
  size_t pos = 0;
  while (!trim(inner).empty()) {
    const auto comma = inner.find(',', pos);
    const std::string tok = trim(inner.substr(pos, comma == std::string::npos ? std::string::npos
                                                                               : comma - pos));
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (tok.empty() || *end != '\0') throw ConfigError(where, "bad argument '" + tok + "'");
    args.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return {trim(spec.substr(0, open)), args};
}

}  // namespace

std::vector<std::string> activation_names() {
  return {"identity", "none", "sigmoid", "tanh", "relu", "gelu", "leaky_relu", "rrelu", "elu"};
}

tnn::AnyModule make_activation(const std::string& spec) {
  const auto [name, args] = parse(spec);
  const std::string where = "activation '" + spec + "'";
  auto nargs = [&, n = name, a = args](size_t max) {
    if (a.size() > max)
      throw ConfigError(where, n + " takes at most " + std::to_string(max) + " argument(s)");
  };
  if (name == "identity" || name == "none") {
    nargs(0);
    return tnn::AnyModule(tnn::Identity());
  }
  if (name == "sigmoid") {
    nargs(0);
    return tnn::AnyModule(tnn::Sigmoid());
  }
  if (name == "tanh") {
    nargs(0);
    return tnn::AnyModule(tnn::Tanh());
  }
  if (name == "relu") {
    nargs(0);
    return tnn::AnyModule(tnn::ReLU());
  }
  if (name == "gelu") {
    nargs(0);
    return tnn::AnyModule(tnn::GELU());
  }
  if (name == "leaky_relu") {
    nargs(1);
    const double slope = args.empty() ? 0.01 : args[0];
    return tnn::AnyModule(tnn::LeakyReLU(tnn::LeakyReLUOptions().negative_slope(slope)));
  }
  if (name == "rrelu") {
    nargs(2);
    const double lower = args.size() > 0 ? args[0] : 1.0 / 8.0;
    const double upper = args.size() > 1 ? args[1] : 1.0 / 3.0;
    if (!(lower >= 0.0 && lower <= upper))
      throw ConfigError(where, "needs 0 <= lower <= upper");
    return tnn::AnyModule(tnn::RReLU(tnn::RReLUOptions().lower(lower).upper(upper)));
  }
  if (name == "elu") {
    nargs(1);
    const double alpha = args.empty() ? 1.0 : args[0];
    return tnn::AnyModule(tnn::ELU(tnn::ELUOptions().alpha(alpha)));
  }
  std::string list;
  for (const auto& n : activation_names()) list += (list.empty() ? "" : ", ") + n;
  throw ConfigError(where, "unknown activation (known: " + list + ")");
}

}  // namespace medcnn
