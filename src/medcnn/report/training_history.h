// The per-epoch training history: one TrainingRecord per row of the metrics
// CSV the trainer writes (header "epoch,lr,train_loss,val_loss,val_auc,...").
//
// read_training_history(csv_path): the header row names the columns and its
// first column must be "epoch"; every later non-blank row holds an integer
// epoch and one number per named column. An empty cell, "nan", "na" or "n/a"
// is a missing value (NaN), e.g. a validation metric on an epoch without
// validation. A header-only file gives an empty history.
// Errors: IoError when the file is missing or unreadable; FormatError
// "PATH:LINE: reason" for an empty file, a header whose first column is not
// "epoch" or that repeats a name, a row with the wrong number of fields, a
// non-integer epoch or a cell that is not a number.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace medcnn {

struct TrainingRecord {
  int64_t epoch = 0;
  // (column name, value) in the CSV's column order; NaN for a missing value.
  std::vector<std::pair<std::string, double>> values;

  // The value of column `name`, NaN when the column is absent.
  double get(const std::string& name) const;
  bool has(const std::string& name) const;
};

std::vector<TrainingRecord> read_training_history(const std::string& csv_path);

}  // namespace medcnn
