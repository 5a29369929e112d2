// TOML -> JSON conversion and overrides: see config.h for the contract.
#include "medcnn/config/config.h"

#include <toml++/toml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "medcnn/core/error.h"

namespace medcnn {

namespace {

using nlohmann::json;

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string format_date(const toml::date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year),
                static_cast<int>(d.month), static_cast<int>(d.day));
  return buf;
}

std::string format_time(const toml::time& t) {
  std::string s = two(t.hour) + ":" + two(t.minute) + ":" + two(t.second);
  if (t.nanosecond) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09u", static_cast<unsigned>(t.nanosecond));
    std::string frac = buf;
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s;
}

std::string format_offset(const toml::time_offset& o) {
  if (o.minutes == 0) return "Z";
  const int m = o.minutes < 0 ? -o.minutes : o.minutes;
  return std::string(o.minutes < 0 ? "-" : "+") + two(m / 60) + ":" + two(m % 60);
}

json to_json(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: {
      json out = json::object();
      for (const auto& [key, value] : *node.as_table()) out[std::string(key.str())] = to_json(value);
      return out;
    }
    case toml::node_type::array: {
      json out = json::array();
      for (const auto& value : *node.as_array()) out.push_back(to_json(value));
      return out;
    }
    case toml::node_type::string: return node.as_string()->get();
    case toml::node_type::integer: return node.as_integer()->get();
    case toml::node_type::floating_point: return node.as_floating_point()->get();
    case toml::node_type::boolean: return node.as_boolean()->get();
    case toml::node_type::date: return format_date(node.as_date()->get());
    case toml::node_type::time: return format_time(node.as_time()->get());
    case toml::node_type::date_time: {
      const toml::date_time& dt = node.as_date_time()->get();
      std::string s = format_date(dt.date) + "T" + format_time(dt.time);
      if (dt.offset) s += format_offset(*dt.offset);
      return s;
    }
    default: return nullptr;
  }
}

toml::table parse_toml(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(source, "line " + std::to_string(where.line) + ", column " +
                                  std::to_string(where.column) + ": " +
                                  std::string(e.description()));
  }
}

// An override's value: a TOML value if it parses as one, else the text.
json parse_value(const std::string& text) {
  try {
    toml::table t = toml::parse("v = " + text);
    if (const toml::node* v = t.get("v")) return to_json(*v);
  } catch (const toml::parse_error&) {
  }
  return text;
}

bool is_index(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

json parse_config(const std::string& text, const std::string& source) {
  return to_json(parse_toml(text, source));
}

json load_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw IoError(path, "is a folder, not a TOML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path, "read failed");
  return parse_config(text.str(), path);
}

void apply_overrides(json& config, const std::vector<std::string>& overrides) {
  if (config.is_null()) config = json::object();
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos)
      throw ConfigError("override '" + o + "'", "expected KEY.PATH=VALUE");
    const std::string path = o.substr(0, eq), value = o.substr(eq + 1);
    std::vector<std::string> keys;
    std::stringstream ss(path);
    for (std::string k; std::getline(ss, k, '.');) keys.push_back(k);
    if (path.empty() || path.back() == '.' || keys.empty())
      throw ConfigError("override '" + o + "'", "empty key");
    json* node = &config;
    std::string walked;
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string& k = keys[i];
      if (k.empty()) throw ConfigError("override '" + o + "'", "empty key part");
      const bool last = i + 1 == keys.size();
      if (node->is_array()) {
        if (!is_index(k))
          throw ConfigError("override '" + o + "'",
                            "'" + walked + "' is a list; give an index (0.." +
                                std::to_string(node->size() ? node->size() - 1 : 0) + ")");
        const size_t idx = std::stoul(k);
        if (idx >= node->size())
          throw ConfigError("override '" + o + "'", "index " + k + " is past the end of '" +
                                                        walked + "' (" +
                                                        std::to_string(node->size()) + " items)");
        node = &(*node)[idx];
      } else {
        if (node->is_null()) *node = json::object();
        if (!node->is_object())
          throw ConfigError("override '" + o + "'",
                            "'" + walked + "' is a value, not a table");
        node = &(*node)[k];
      }
      walked += (walked.empty() ? "" : ".") + k;
      if (last) *node = parse_value(value);
    }
  }
}

Compose transforms_from_config(const json& config, const std::string& source) {
  if (!config.is_object()) throw ConfigError(source, "the configuration is not a table");
  if (!config.contains("transforms")) return Compose({});
  try {
    return make_transforms(config.at("transforms"));
  } catch (const ConfigError& e) {
    throw ConfigError(source, e.what());
  }
}

}  // namespace medcnn
