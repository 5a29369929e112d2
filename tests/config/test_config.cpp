// Config: TOML -> JSON against Python's tomllib, overrides, error messages,
// transform chains from [[transforms]] tables.
#include <gtest/gtest.h>

#include <filesystem>

#include "medcnn/config/config.h"
#include "medcnn/core/error.h"
#include "medcnn/train/experiment.h"
#include "medcnn/transforms/transform.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;
using medcnn::test::write_text;
using nlohmann::json;

namespace {

const char* kExperiment = R"(# An experiment config with most of TOML's shapes.
title = "DRIVE vessels"
seed = 42
fraction = 0.25
tiny = 1e-8
negative = -17
big = 9_223_372_036_854_775_807
hex = 0xff
flag = true
off = false
escaped = "tab\there \"quoted\" \u00e9"
literal = 'C:\data\drive'
multiline = """
first line
second line"""
empty_list = []
nested_list = [[1, 2], ["a", "b"], [[3.5]]]
mixed = [1, 2.0, "three", true]
inline = { lr = 1e-3, betas = [0.9, 0.999], name = "adam" }
dotted.key.path = "deep"
when = 1979-05-27
at = 07:32:00.5
stamp = 1979-05-27T00:32:00.999999-07:00
utc = 2026-11-26T01:02:03Z
local = 2026-11-26T01:02:03

[data]
root = "../shared/data/drive"
spacing = [1.0, 1.0]
folds = 5

[data.split]
val = 0.2
stratify = true

[model]
name = "unet"
channels = [32, 64, 128, 256]

[model.norm]
kind = "instance"
affine = true

[[transforms]]
name = "NormalizeIntensity"

[[transforms]]
name = "RandSpatialCrop"
roi_size = [256, 256]

[[transforms]]
name = "RandFlip"
prob = 0.5
spatial_axis = [0, 1]

[[loss.terms]]
name = "dice"
weight = 1

[[loss.terms]]
name = "ce"
weight = 0.5
)";

}  // namespace

TEST(Config, TomlMatchesPythonTomllib) {
  TempDir dir;
  const std::string path = dir.file("experiment.toml");
  write_text(path, kExperiment);
  json got = load_config(path);
  json want = run_oracle("config_toml.py", {path});
  ASSERT_FALSE(want.is_null());
  EXPECT_EQ(got, want) << "medcnn: " << got.dump(1) << "\ntomllib: " << want.dump(1);
  // Integers stay integers, floats stay floats.
  EXPECT_TRUE(got["seed"].is_number_integer());
  EXPECT_TRUE(got["big"].is_number_integer());
  EXPECT_EQ(got["big"].get<int64_t>(), INT64_MAX);
  EXPECT_TRUE(got["fraction"].is_number_float());
  EXPECT_TRUE(got["data"]["spacing"][0].is_number_float());
  EXPECT_TRUE(got["loss"]["terms"][0]["weight"].is_number_integer());
  EXPECT_EQ(got["dotted"]["key"]["path"], "deep");
  EXPECT_EQ(got["stamp"], "1979-05-27T00:32:00.999999-07:00");
  EXPECT_EQ(got["utc"], "2026-11-26T01:02:03Z");
  EXPECT_EQ(got["at"], "07:32:00.5");
  ASSERT_TRUE(got["transforms"].is_array());
  EXPECT_EQ(got["transforms"].size(), 3u);
}

TEST(Config, TransformChainFromToml) {
  json cfg = parse_config(R"(
[[transforms]]
name = "NormalizeIntensity"
[[transforms]]
name = "RandFlip"
prob = 0.5
spatial_axis = [0]
[[transforms]]
name = "RandCropByPosNegLabel"
spatial_size = [16, 16]
pos = 2
neg = 1
)");
  Compose chain = transforms_from_config(cfg, "chain.toml");
  ASSERT_EQ(chain.transforms().size(), 3u);
  EXPECT_EQ(chain.transforms()[0]->name(), "NormalizeIntensity");
  EXPECT_EQ(chain.transforms()[1]->name(), "RandFlip");
  EXPECT_EQ(chain.transforms()[2]->name(), "RandCropByPosNegLabel");
  EXPECT_TRUE(chain.is_random());
  EXPECT_EQ(transforms_from_config(parse_config("seed = 1"), "x.toml").transforms().size(), 0u);
}

TEST(Config, OverridesParseTomlValuesAndFallBackToStrings) {
  json cfg = parse_config(R"(
seed = 1
[model]
name = "unet"
[[transforms]]
name = "RandFlip"
prob = 0.5
)");
  apply_overrides(cfg, {"seed=7", "model.name=resnet18", "model.depth=4", "model.dropout=0.25",
                        "model.pretrained=true", "model.channels=[8, 16]",
                        "train.optimizer.name=\"sgd\"", "transforms.0.prob=0.2",
                        "model.note=two words", "model.empty=", "model.opts={a = 1}"});
  EXPECT_EQ(cfg["seed"], 7);
  EXPECT_TRUE(cfg["seed"].is_number_integer());
  EXPECT_EQ(cfg["model"]["name"], "resnet18");  // not TOML: a plain string
  EXPECT_EQ(cfg["model"]["depth"], 4);
  EXPECT_DOUBLE_EQ(cfg["model"]["dropout"].get<double>(), 0.25);
  EXPECT_EQ(cfg["model"]["pretrained"], true);
  EXPECT_EQ(cfg["model"]["channels"], json({8, 16}));
  EXPECT_EQ(cfg["train"]["optimizer"]["name"], "sgd");  // tables created on the way
  EXPECT_DOUBLE_EQ(cfg["transforms"][0]["prob"].get<double>(), 0.2);
  EXPECT_EQ(cfg["model"]["note"], "two words");
  EXPECT_EQ(cfg["model"]["empty"], "");
  EXPECT_EQ(cfg["model"]["opts"], json({{"a", 1}}));

  auto fails = [&](const std::string& o, const std::string& part) {
    try {
      apply_overrides(cfg, {o});
      ADD_FAILURE() << o << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  fails("seed", "expected KEY.PATH=VALUE");
  fails("=3", "empty key");
  fails("model..name=3", "empty key");
  fails("seed.deeper=3", "'seed' is a value");
  fails("transforms.x=3", "is a list");
  fails("transforms.5.prob=3", "past the end");
}

TEST(Config, SyntaxErrorNamesFileLineAndColumn) {
  TempDir dir;
  const std::string path = dir.file("broken.toml");
  write_text(path, "seed = 1\n[model]\nname = \"unet\nchannels = [1, 2]\n");
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("column"), std::string::npos) << msg;
    EXPECT_EQ(e.exit_code(), 5);
  }
  write_text(path, "a = 1\na = 2\n");  // duplicate key
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_config(dir.file("missing.toml")), IoError);
  EXPECT_THROW(load_config(dir.path()), IoError);
}

TEST(Config, UnknownTransformListsKnownNamesAndTheFile) {
  json cfg = parse_config(R"(
[[transforms]]
name = "RandFlip"
[[transforms]]
name = "RandFlipp"
)");
  try {
    transforms_from_config(cfg, "exp.toml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("exp.toml: ", 0), 0u) << msg;
    EXPECT_NE(msg.find("RandFlipp"), std::string::npos) << msg;
    EXPECT_NE(msg.find("known: "), std::string::npos) << msg;
    for (const auto& known : TransformRegistry::instance().names())
      EXPECT_NE(msg.find(known), std::string::npos) << known << " not listed: " << msg;
  }
  // A bad parameter also names the file and the transform's key.
  try {
    transforms_from_config(parse_config("[[transforms]]\nname = \"RandFlip\"\nprobb = 1\n"),
                           "exp.toml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("exp.toml: RandFlip.probb"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(transforms_from_config(parse_config("transforms = 3"), "x.toml"), ConfigError);
}

// Every config shipped under configs/ parses, resolves (no unknown table or
// key) and builds its preprocessing and augmentation chains, so a renamed key
// or transform parameter cannot leave a recipe that fails at start-up.
TEST(Config, EveryShippedConfigResolvesAndBuildsItsTransforms) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(medcnn::test::source_dir()) / "configs";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != ".toml") continue;
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    json resolved;
    ASSERT_NO_THROW(resolved = resolve_config(load_config(path), folder.string()));
    EXPECT_NO_THROW(make_transforms(resolved["preprocess"]));
    EXPECT_NO_THROW(make_transforms(resolved["augment"]));
    ++checked;
  }
  EXPECT_GE(checked, 12);
}
