// Experiment configuration: TOML files read into JSON, command-line overrides.
//
// Contract
//  - load_config(path) parses a TOML file (toml++) and converts it to JSON:
//    tables -> objects, arrays (and arrays of tables, [[x]]) -> arrays,
//    integers stay integers (int64), floats -> doubles, booleans, strings;
//    dates and times -> strings in RFC 3339 form: "1979-05-27",
//    "07:32:00", "1979-05-27T07:32:00.5-07:00" (fraction without trailing
//    zeros, offset "Z" for UTC, no offset for a local date-time).
//    Errors: IoError when the file is missing or unreadable; ConfigError
//    "PATH: line L, column C: <what the parser says>" for bad TOML.
//  - parse_config(text, source) does the same for a string; `source` names
//    it in errors.
//  - apply_overrides(config, {"a.b.c=value", ...}) sets each dotted key
//    path, creating tables on the way; a numeric part indexes an existing
//    array ("transforms.1.prob=0.2"). The value is read as a TOML value
//    (0.2, 3, true, "text", [1, 2], {k = 1}); anything that is not valid TOML
//    is taken as a plain string (model=unet). ConfigError names the override
//    when it has no '=', an empty key, or walks through a non-table.
//  - transforms_from_config(config, source) builds the `transforms` list
//    ([[transforms]] tables with name = "..." and parameters) with
//    make_transforms; a ConfigError from a transform (unknown name, with the
//    known names listed; bad parameter) is re-thrown prefixed with `source`,
//    so the message names the file. A config without `transforms` gives an
//    empty chain.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

nlohmann::json load_config(const std::string& path);
nlohmann::json parse_config(const std::string& text, const std::string& source = "<string>");

void apply_overrides(nlohmann::json& config, const std::vector<std::string>& overrides);

Compose transforms_from_config(const nlohmann::json& config, const std::string& source);

}  // namespace medcnn
