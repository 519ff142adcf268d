#include "analysis/moments.hpp"

#include <cmath>

namespace neuralrg::analysis {

Moments moments(std::span<const double> values) {
  const double n = static_cast<double>(values.size());
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  double m2 = 0, m4 = 0;
  for (double v : values) {
    const double d = (v - mean) * (v - mean);
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return {mean,
          m2,
          m4 / (m2 * m2) - 3,
          std::sqrt(m2 / n),
          std::sqrt(std::max(m4 - m2 * m2, 0.0) / n),
          std::sqrt(24 / n),
          static_cast<long long>(values.size())};
}

}  // namespace neuralrg::analysis
