// Moments of a sample with standard errors, for the per-scale statistics of latent variables.
#pragma once

#include <span>

namespace neuralrg::analysis {

struct Moments {
  double mean, variance, excess_kurtosis;
  double mean_stderr, variance_stderr, kurtosis_stderr;  ///< Assuming independent samples.
  long long count;
};

/// Sample moments; the errors use the fourth moment for the variance and the Gaussian
/// large-sample value √(24/n) for the excess kurtosis.
Moments moments(std::span<const double> values);

}  // namespace neuralrg::analysis
