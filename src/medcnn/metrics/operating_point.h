// Operating points: turning probabilities into class decisions, with the
// threshold chosen on validation data and then applied unchanged to test data.
//
// youden_threshold(y, scores): the ROC threshold maximising Youden's
// J = tpr - fpr; on ties the highest such threshold (numpy.argmax over
// sklearn's roc_curve). It may be max(score) + 1 (everything negative) when no
// threshold beats chance. Needs both classes in y (DataError otherwise).
// sensitivity_threshold(y, scores, target): the highest ROC threshold whose
// tpr >= target (all points, none dropped); target in (0, 1] (ConfigError),
// needs positives in y (DataError).
// Decisions: binary with a threshold t: class 1 when p(class 1) >= t;
// argmax: the class of the highest probability, the first on ties (so for two
// classes p(class 1) = 0.5 gives class 0).
// choose_decision_rule(spec, y_val, probs_val) parses a rule as written in a
// config: "argmax", "youden", "sensitivity=0.9", "fixed=0.3" (or just "0.3");
// rules other than argmax need two classes (ConfigError otherwise).
#pragma once
#include <string>

#include "medcnn/metrics/types.h"

namespace medcnn {

struct DecisionRule {
  // "argmax", "fixed", "youden" or "sensitivity=<target>" (the report's
  // "threshold_rule").
  std::string name = "argmax";
  double threshold = 0.5;  // binary only: class 1 when p(class 1) >= threshold
  bool is_argmax() const { return name == "argmax"; }

  static DecisionRule argmax() { return {}; }
  static DecisionRule fixed(double t) { return {"fixed", t}; }
};

double youden_threshold(const Labels& y_true, const Scores& scores);
double sensitivity_threshold(const Labels& y_true, const Scores& scores, double target);

Labels predict_threshold(const Scores& positive_scores, double threshold);
Labels predict_argmax(const Probabilities& probs);
// Argmax, or for two classes a threshold on column 1 when the rule has one.
Labels predict(const DecisionRule& rule, const Probabilities& probs);

DecisionRule choose_decision_rule(const std::string& spec, const Labels& y_val,
                                  const Probabilities& probs_val);

}  // namespace medcnn
