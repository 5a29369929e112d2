// Input checks shared by the metric functions.
//
// Each check throws DataError("<function>", "<what is wrong, at which case>")
// on: empty input, lengths that differ, labels outside [0, k) (or not 0/1 for
// binary metrics), NaN or infinite scores, probability rows of the wrong width
// or not summing to 1 (tolerance 1e-4).
#pragma once
#include <cstddef>
#include <string>

#include "medcnn/metrics/types.h"

namespace medcnn::metrics_detail {

void check_not_empty(const std::string& where, size_t n);
void check_same_length(const std::string& where, const char* name_a, size_t a, const char* name_b,
                       size_t b);
void check_labels(const std::string& where, const Labels& y, int num_classes,
                  const char* name = "y_true");
void check_binary_labels(const std::string& where, const Labels& y);
void check_scores(const std::string& where, const Scores& scores);
// Checks shape (n rows, all of the same width >= 2), finiteness and that rows
// sum to 1. Returns the number of classes (the row width).
int check_probabilities(const std::string& where, const Probabilities& probs);
// Column c of probs.
Scores column(const Probabilities& probs, int c);

}  // namespace medcnn::metrics_detail
