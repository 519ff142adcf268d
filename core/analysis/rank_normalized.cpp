#include "analysis/rank_normalized.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <algorithm>
#include <cmath>

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

}  // namespace

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
