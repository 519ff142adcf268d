#include "analysis/mutual_information.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <vector>

namespace neuralrg::analysis {
namespace {

// ψ(n) for n = 1 … count: ψ(1) = −γ, ψ(n + 1) = ψ(n) + 1/n.
std::vector<double> digamma_table(std::size_t count) {
  std::vector<double> psi(count + 1);
  psi[1] = -0.57721566490153286061;
  for (std::size_t n = 1; n < count; ++n) psi[n + 1] = psi[n] + 1.0 / static_cast<double>(n);
  return psi;
}

// Points of `sorted` strictly within distance eps of v, excluding the point itself.
std::size_t closer_than(const std::vector<double>& sorted, double v, double eps) {
  const auto lo = std::upper_bound(sorted.begin(), sorted.end(), v - eps);
  const auto hi = std::lower_bound(sorted.begin(), sorted.end(), v + eps);
  return static_cast<std::size_t>(std::max<std::ptrdiff_t>(hi - lo - 1, 0));
}

}  // namespace

double mutual_information_ksg(std::span<const double> a, std::span<const double> b, int k) {
  const std::size_t n = a.size();
  if (b.size() != n || k < 1 || n <= static_cast<std::size_t>(k))
    throw std::invalid_argument(
        "mutual_information_ksg: need two equally long samples longer than k");
  const auto psi = digamma_table(n + 1);
  std::vector<double> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  double sum = 0;
  std::priority_queue<double> nearest;  // the k smallest distances seen so far (max on top)
  for (std::size_t i = 0; i < n; ++i) {
    nearest = {};
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double d = std::max(std::abs(a[i] - a[j]), std::abs(b[i] - b[j]));
      if (nearest.size() < static_cast<std::size_t>(k))
        nearest.push(d);
      else if (d < nearest.top()) {
        nearest.pop();
        nearest.push(d);
      }
    }
    const double eps = nearest.top();
    sum += psi[closer_than(sa, a[i], eps) + 1] + psi[closer_than(sb, b[i], eps) + 1];
  }
  return psi[static_cast<std::size_t>(k)] + psi[n] - sum / static_cast<double>(n);
}

}  // namespace neuralrg::analysis
