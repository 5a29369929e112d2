#include "medcnn/metrics/kappa.h"

#include <cstdlib>
#include <limits>

namespace medcnn {

double cohen_kappa(const Labels& y_true, const Labels& y_pred, int num_classes,
                   KappaWeights weights) {
  return cohen_kappa(confusion_matrix(y_true, y_pred, num_classes), weights);
}

double cohen_kappa(const ConfusionMatrix& cm, KappaWeights weights) {
  const size_t k = cm.size();
  std::vector<double> rows(k, 0.0), cols(k, 0.0);
  double n = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      rows[i] += static_cast<double>(cm[i][j]);
      cols[j] += static_cast<double>(cm[i][j]);
      n += static_cast<double>(cm[i][j]);
    }
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  double observed = 0, expected = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      const double d = std::abs(static_cast<double>(i) - static_cast<double>(j));
      const double w = weights == KappaWeights::None     ? (i != j ? 1.0 : 0.0)
                       : weights == KappaWeights::Linear ? d
                                                         : d * d;
      observed += w * static_cast<double>(cm[i][j]);
      expected += w * rows[i] * cols[j] / n;
    }
  if (expected == 0) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 - observed / expected;
}

}  // namespace medcnn
