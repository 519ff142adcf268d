#include "physics/time_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuralrg {

double integrated_autocorrelation_time(const std::vector<double>& x, double c) {
  const std::size_t n = x.size();
  if (n < 2) return 0.5;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
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
  for (double v : x) e.mean += v;
  e.mean /= static_cast<double>(n);
  if (n < 2) return e;
  double var = 0;
  for (double v : x) var += (v - e.mean) * (v - e.mean);
  var /= static_cast<double>(n - 1);
  e.tau_int = integrated_autocorrelation_time(x);
  const double from_tau = std::sqrt(var * 2 * e.tau_int / static_cast<double>(n));
  // Binning: as many bins as possible (≤ 32, ≥ 2) of at least 20 τ measurements each.
  const std::size_t bin =
      std::max<std::size_t>({1, static_cast<std::size_t>(std::ceil(20 * e.tau_int)), n / 32});
  const std::size_t bins = std::max<std::size_t>(n / bin, 1);
  if (bins >= 2) {
    std::vector<double> means(bins, 0);
    for (std::size_t b = 0; b < bins; ++b) {
      for (std::size_t i = 0; i < bin; ++i) means[b] += x[b * bin + i];
      means[b] /= static_cast<double>(bin);
    }
    double m = 0, v = 0;
    for (double b : means) m += b;
    m /= static_cast<double>(bins);
    for (double b : means) v += (b - m) * (b - m);
    e.binned_stderr = std::sqrt(v / static_cast<double>(bins - 1) / static_cast<double>(bins));
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
    for (std::size_t half = 0; half < 2; ++half) {
      // The odd point of an odd-length sequence is dropped from the middle, as BDA3 does.
      const std::size_t begin = half == 0 ? 0 : sequence.size() - n;
      double m = 0;
      for (std::size_t i = 0; i < n; ++i) m += sequence[begin + i];
      m /= static_cast<double>(n);
      double v = 0;
      for (std::size_t i = 0; i < n; ++i)
        v += (sequence[begin + i] - m) * (sequence[begin + i] - m);
      within += v / static_cast<double>(n - 1);
      means.push_back(m);
    }
  const double count = static_cast<double>(means.size());
  within /= count;
  double grand = 0;
  for (double m : means) grand += m;
  grand /= count;
  double between = 0;
  for (double m : means) between += (m - grand) * (m - grand);
  between *= static_cast<double>(n) / (count - 1);
  if (within <= 0) return between > 0 ? std::numeric_limits<double>::infinity() : 1.0;
  const double pooled = (static_cast<double>(n) - 1) / static_cast<double>(n) * within +
                        between / static_cast<double>(n);
  return std::sqrt(pooled / within);
}

double between_sequence_stderr(const std::vector<std::vector<double>>& sequences) {
  const std::size_t m = sequences.size();
  if (m < 2) return std::nan("");
  std::vector<double> means;
  for (const auto& sequence : sequences) {
    double sum = 0;
    for (double v : sequence) sum += v;
    means.push_back(sequence.empty() ? 0.0 : sum / static_cast<double>(sequence.size()));
  }
  double grand = 0;
  for (double v : means) grand += v;
  grand /= static_cast<double>(m);
  double var = 0;
  for (double v : means) var += (v - grand) * (v - grand);
  return std::sqrt(var / static_cast<double>(m - 1) / static_cast<double>(m));
}

}  // namespace neuralrg
