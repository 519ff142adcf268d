#include "pipeline/stages/train_statistics.hpp"

#include <cmath>

namespace neuralrg {

LossStatistics loss_statistics(const Matrix& losses) {
  // In double whatever the build: a float sum over millions of samples (neuralrg evaluate) loses
  // the digits the bound's error bar needs.
  const Eigen::ArrayXd l = losses.col(0).cast<double>().array();
  const double n = static_cast<double>(l.size());
  const double mean = l.mean();
  const double var = n > 1 ? (l - mean).square().sum() / (n - 1) : 0.0;
  // ln w = −loss, shifted by its maximum before exponentiating.
  const double top = (-l).maxCoeff();
  const double sum_w = (-l - top).exp().sum();
  const double sum_w2 = (2 * (-l - top)).exp().sum();
  return {mean, std::sqrt(var), sum_w * sum_w / (n * sum_w2), -(top + std::log(sum_w / n))};
}

}  // namespace neuralrg
