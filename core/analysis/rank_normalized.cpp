#include "analysis/rank_normalized.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "analysis/time_series.hpp"

namespace neuralrg {

namespace {

// Φ⁻¹(p) for p in (0, 1).
double normal_quantile(double p) {
  return -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p);
}

std::vector<std::vector<double>> folded(const std::vector<std::vector<double>>& sequences) {
  std::vector<double> pooled;
  for (const auto& s : sequences) pooled.insert(pooled.end(), s.begin(), s.end());
  const auto middle = pooled.begin() + static_cast<std::ptrdiff_t>(pooled.size() / 2);
  std::nth_element(pooled.begin(), middle, pooled.end());
  double median = *middle;
  if (pooled.size() % 2 == 0) median = (median + *std::max_element(pooled.begin(), middle)) / 2;
  auto out = sequences;
  for (auto& s : out)
    for (double& v : s) v = std::abs(v - median);
  return out;
}

bool all_finite(const std::vector<std::vector<double>>& sequences) {
  return std::all_of(sequences.begin(), sequences.end(), [](const auto& s) {
    return std::all_of(s.begin(), s.end(), [](double v) { return std::isfinite(v); });
  });
}

// Each sequence as its two halves (the middle value of an odd length dropped), as split-R̂ does.
std::vector<std::vector<double>> split(const std::vector<std::vector<double>>& sequences) {
  std::vector<std::vector<double>> out;
  for (const auto& s : sequences) {
    const auto half = static_cast<std::ptrdiff_t>(s.size() / 2);
    out.emplace_back(s.begin(), s.begin() + half);
    out.emplace_back(s.end() - half, s.end());
  }
  return out;
}

// Biased autocovariance of s at lags 0 … n−1 (divided by n), by FFT: O(n log n) for long series.
std::vector<double> autocovariance(const std::vector<double>& s) {
  const std::size_t n = s.size();
  std::size_t size = 1;
  while (size < 2 * n) size *= 2;  // zero-padded: no wrap-around
  double m = 0;
  for (const double v : s) m += v / static_cast<double>(n);
  std::vector<double> centred(size, 0.0);
  for (std::size_t i = 0; i < n; ++i) centred[i] = s[i] - m;
  Eigen::FFT<double> fft;
  std::vector<std::complex<double>> spectrum;
  fft.fwd(spectrum, centred);
  for (auto& c : spectrum) c = std::norm(c);
  std::vector<double> acov;
  fft.inv(acov, spectrum);
  acov.resize(n);
  for (double& a : acov) a /= static_cast<double>(n);
  return acov;
}

// The quantile q of the pooled values (linear interpolation between order statistics).
double pooled_quantile(const std::vector<std::vector<double>>& sequences, double q) {
  std::vector<double> pooled;
  for (const auto& s : sequences) pooled.insert(pooled.end(), s.begin(), s.end());
  std::sort(pooled.begin(), pooled.end());
  const double position = q * static_cast<double>(pooled.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, pooled.size() - 1);
  return pooled[below] + (position - static_cast<double>(below)) * (pooled[above] - pooled[below]);
}

std::vector<std::vector<double>> indicator(const std::vector<std::vector<double>>& sequences,
                                           double threshold, bool below) {
  auto out = sequences;
  for (auto& s : out)
    for (double& v : s) v = (below ? v <= threshold : v >= threshold) ? 1.0 : 0.0;
  return out;
}

}  // namespace

double effective_sample_size(const std::vector<std::vector<double>>& sequences) {
  const std::size_t m = sequences.size(), n = m ? sequences[0].size() : 0;
  if (m < 2 || n < 4 || !all_finite(sequences) ||
      std::any_of(sequences.begin(), sequences.end(), [&](const auto& s) { return s.size() != n; }))
    return std::nan("");
  std::vector<std::vector<double>> acov;
  double within = 0, mean_of_means = 0;
  std::vector<double> means;
  for (const auto& s : sequences) {
    acov.push_back(autocovariance(s));
    within += acov.back()[0] * static_cast<double>(n) / static_cast<double>(n - 1) /
              static_cast<double>(m);
    double mean = 0;
    for (const double v : s) mean += v / static_cast<double>(n);
    means.push_back(mean);
    mean_of_means += mean / static_cast<double>(m);
  }
  double between = 0;  // B / n
  for (const double mean : means)
    between += (mean - mean_of_means) * (mean - mean_of_means) / static_cast<double>(m - 1);
  const double var_plus = within * static_cast<double>(n - 1) / static_cast<double>(n) + between;
  const double total = static_cast<double>(m * n);
  if (!(var_plus > 0)) return std::nan("");  // constant sequences: nothing to estimate
  const auto rho = [&](std::size_t t) {
    double acov_mean = 0;
    for (const auto& a : acov) acov_mean += a[t] / static_cast<double>(m);
    return 1 - (within - acov_mean) / var_plus;
  };
  // Geyer: sums of adjacent pairs, while positive, made monotone.
  double tau = -1, previous = std::numeric_limits<double>::infinity();
  for (std::size_t t = 0; t + 1 < n; t += 2) {
    double pair = rho(t) + rho(t + 1);
    if (pair <= 0) break;
    pair = std::min(pair, previous);
    tau += 2 * pair;
    previous = pair;
  }
  // Antithetic sequences give τ < 1 (even < 0 when the first pair sum is below ½); like Stan,
  // keep τ ≥ 1/log₁₀ S, which caps the ESS at S·log₁₀ S and keeps it positive.
  return total / std::max(tau, 1 / std::log10(total));
}

double bulk_effective_sample_size(const std::vector<std::vector<double>>& sequences) {
  if (!all_finite(sequences)) return std::nan("");
  return effective_sample_size(split(rank_normal_scores(sequences)));
}

double tail_effective_sample_size(const std::vector<std::vector<double>>& sequences) {
  if (!all_finite(sequences) || sequences.empty() || sequences[0].empty()) return std::nan("");
  const auto halves = split(sequences);
  return std::min(
      effective_sample_size(indicator(halves, pooled_quantile(sequences, 0.05), true)),
      effective_sample_size(indicator(halves, pooled_quantile(sequences, 0.95), false)));
}

std::vector<std::vector<double>> rank_normal_scores(
    const std::vector<std::vector<double>>& sequences) {
  struct Entry {
    double value;
    std::size_t sequence, index;
  };
  std::vector<Entry> pooled;
  for (std::size_t k = 0; k < sequences.size(); ++k)
    for (std::size_t i = 0; i < sequences[k].size(); ++i) pooled.push_back({sequences[k][i], k, i});
  std::sort(pooled.begin(), pooled.end(),
            [](const Entry& a, const Entry& b) { return a.value < b.value; });
  const auto total = static_cast<double>(pooled.size());
  auto scores = sequences;
  for (std::size_t begin = 0; begin < pooled.size();) {
    std::size_t end = begin;
    while (end < pooled.size() && pooled[end].value == pooled[begin].value) ++end;
    const double rank = (static_cast<double>(begin + end) + 1.0) / 2.0;  // 1-based, ties averaged
    const double score = normal_quantile((rank - 0.375) / (total + 0.25));
    for (std::size_t i = begin; i < end; ++i) scores[pooled[i].sequence][pooled[i].index] = score;
    begin = end;
  }
  return scores;
}

double rank_normalized_r_hat(const std::vector<std::vector<double>>& sequences) {
  if (!all_finite(sequences)) return std::nan("");
  const double bulk = split_r_hat(rank_normal_scores(sequences));
  const double tail = split_r_hat(rank_normal_scores(folded(sequences)));
  return std::isnan(bulk) || std::isnan(tail) ? std::nan("") : std::max(bulk, tail);
}

}  // namespace neuralrg
