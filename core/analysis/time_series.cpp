#include "analysis/time_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

namespace neuralrg {
namespace {

double mean_of(std::span<const double> x) {
  double sum = 0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

// Σ (x − mean)² / (n − 1).
double sample_variance(std::span<const double> x, double mean) {
  double sum = 0;
  for (double v : x) sum += (v - mean) * (v - mean);
  return sum / static_cast<double>(x.size() - 1);
}

}  // namespace

double integrated_autocorrelation_time(const std::vector<double>& x, double c) {
  const std::size_t n = x.size();
  if (n < 2) return 0.5;
  const double mean = mean_of(x);
  double c0 = 0;
  for (double v : x) c0 += (v - mean) * (v - mean);
  c0 /= static_cast<double>(n);
  if (c0 <= 0) return 0.5;
  double tau = 0.5;
  for (std::size_t t = 1; t < n; ++t) {
    double ct = 0;
    for (std::size_t i = 0; i + t < n; ++i) ct += (x[i] - mean) * (x[i + t] - mean);
    tau += ct / static_cast<double>(n) / c0;
    if (static_cast<double>(t) >= c * tau) break;
  }
  return std::max(tau, 0.5);
}

SeriesEstimate analyze_series(const std::vector<double>& x) {
  const std::size_t n = x.size();
  SeriesEstimate e{0, 0, 0.5, 0};
  if (n == 0) return e;
  e.mean = mean_of(x);
  if (n < 2) return e;
  const double var = sample_variance(x, e.mean);
  e.tau_int = integrated_autocorrelation_time(x);
  const double from_tau = std::sqrt(var * 2 * e.tau_int / static_cast<double>(n));
  // Binning: as many bins as possible (≤ 32, ≥ 2) of at least 20 τ measurements each.
  const std::size_t bin =
      std::max<std::size_t>({1, static_cast<std::size_t>(std::ceil(20 * e.tau_int)), n / 32});
  const std::size_t bins = std::max<std::size_t>(n / bin, 1);
  if (bins >= 2) {
    std::vector<double> means(bins);
    for (std::size_t b = 0; b < bins; ++b) means[b] = mean_of(std::span(x).subspan(b * bin, bin));
    e.binned_stderr = std::sqrt(sample_variance(means, mean_of(means)) / static_cast<double>(bins));
  } else {
    e.binned_stderr = from_tau;
  }
  e.stderr_ = std::max(from_tau, e.binned_stderr);
  return e;
}

double split_r_hat(const std::vector<std::vector<double>>& sequences) {
  if (sequences.size() < 2) return std::nan("");
  const std::size_t n = sequences[0].size() / 2;
  if (n < 2) return std::nan("");
  std::vector<double> means;
  double within = 0;
  for (const auto& sequence : sequences)
    // The odd point of an odd-length sequence is dropped from the middle, as BDA3 does.
    for (const std::size_t begin : {std::size_t{0}, sequence.size() - n}) {
      const auto half = std::span(sequence).subspan(begin, n);
      means.push_back(mean_of(half));
      within += sample_variance(half, means.back());
    }
  within /= static_cast<double>(means.size());
  const double between = static_cast<double>(n) * sample_variance(means, mean_of(means));
  if (within <= 0) return between > 0 ? std::numeric_limits<double>::infinity() : 1.0;
  const double pooled = (static_cast<double>(n) - 1) / static_cast<double>(n) * within +
                        between / static_cast<double>(n);
  return std::sqrt(pooled / within);
}

double between_sequence_stderr(const std::vector<std::vector<double>>& sequences) {
  if (sequences.size() < 2) return std::nan("");
  std::vector<double> means;
  for (const auto& sequence : sequences)
    means.push_back(sequence.empty() ? 0.0 : mean_of(sequence));
  return std::sqrt(sample_variance(means, mean_of(means)) / static_cast<double>(means.size()));
}

}  // namespace neuralrg
