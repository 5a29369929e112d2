// EcgBeatDataset: heart beats cut from WFDB ECG records (MIT-BIH and others)
// as a 1-D classification data set.
//
// Inputs: one or several record headers (.hea; the .dat and the annotation
// file <record>.<annotator>, default .atr, lie beside each). The signals are
// read at construction and kept in memory (only the selected leads); every
// annotation whose symbol the class map knows is a beat.
//
// Sample i: image = 1-D Image [leads, window] float32 in physical units (mV),
// spacing 1 / fs seconds, origin = start of the window in seconds, modality
// "ECG"; the window starts `before` samples before the annotated R peak.
// label = class index; id = "<record>:beat<k>@<sample>" where k is the
// annotation's index in the annotation file and sample its sample index;
// meta: "record", "symbol", "sample", "annotation", "leads", "fs".
//
// Options:
//   window   samples per beat (default 256 = 0.71 s at 360 Hz)
//   before   samples before the R peak (default window / 2)
//   leads    lead names ("MLII") or indices ("0"); default: the first lead
//   class_map  beat symbol -> class name. Default (AAMI EC57 classes):
//            N, L, R, e, j -> "N"; A, a, J, S -> "S"; V, E -> "V"; F -> "F";
//            /, f, Q -> "Q". Symbols not in the map (rhythm '+', noise '~',
//            artefact '|', comments, 'x', '!', ...) are not beats: skipped.
//   classes  class names in index order. Given: kept as they are, even for
//            classes without a beat (use it to fix indices across record
//            sets). Not given: the default order N, S, V, F, Q (or the sorted
//            class names of a custom class_map) with the classes that have no
//            beat in these records dropped; record 100 gives N, S, V.
//   annotator  annotation file extension (default "atr")
// Beats whose window would run off either end of the record are skipped.
//
// Errors: IoError for a missing header, signal or annotation file (naming
// it); FormatError from the WFDB readers; DataError for records with
// different sampling frequencies, a lead a record lacks (listing its leads),
// a class map target missing from `classes`, or no beat at all;
// ConfigError for bad options (window < 1, before outside [0, window)).
#pragma once
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "medcnn/data/dataset.h"

namespace medcnn {

struct EcgBeatOptions {
  int64_t window = 256;
  int64_t before = -1;              // -1: window / 2
  std::vector<std::string> leads;   // names or indices; empty: the first lead
  std::map<std::string, std::string> class_map;  // empty: aami_class_map()
  std::vector<std::string> classes;              // empty: derived, see above
  std::string annotator = "atr";

  // Reads the keys window, before, leads (array of names/indices, or one),
  // class_map (object), classes (array), annotator; any other key is a
  // ConfigError naming `where`.<key> and listing the allowed keys.
  static EcgBeatOptions from_json(const nlohmann::json& options, const std::string& where);
};

std::map<std::string, std::string> aami_class_map();

class EcgBeatDataset : public Dataset {
 public:
  explicit EcgBeatDataset(std::vector<std::string> headers, EcgBeatOptions options = {});
  size_t size() const override { return beats_.size(); }
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override;
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

  int64_t window() const { return window_; }
  int64_t before() const { return before_; }
  double sampling_frequency() const { return fs_; }

 private:
  struct Record {
    std::string name, header;
    at::Tensor signal;  // float32 [leads, samples]
    std::string leads;  // comma-separated lead names
  };
  struct Beat {
    size_t record = 0;
    int64_t sample = 0, annotation = 0, label = -1;
    std::string symbol;
  };
  std::vector<Record> records_;
  std::vector<Beat> beats_;
  std::vector<std::string> classes_;
  int64_t window_ = 256, before_ = 128;
  double fs_ = 0;
};

}  // namespace medcnn
