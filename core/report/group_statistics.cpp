#include "report/group_statistics.hpp"

#include <algorithm>
#include <cmath>

namespace neuralrg::report {

MeanError mean_error(const std::vector<double>& values) {
  double sum = 0, sum_sq = 0;
  std::size_t n = 0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, ++n;
  if (n == 0) return {std::nan(""), std::nan(""), 0};
  const double mean = sum / static_cast<double>(n);
  for (double v : values)
    if (std::isfinite(v)) sum_sq += (v - mean) * (v - mean);
  const double stderr_ =
      n < 2 ? std::nan("")
            : std::sqrt(sum_sq / static_cast<double>(n - 1) / static_cast<double>(n));
  return {mean, stderr_, n};
}

std::vector<Difference> differences(const std::vector<MeanError>& groups) {
  std::vector<Difference> out;
  for (std::size_t i = 0; i < groups.size(); ++i)
    for (std::size_t j = i + 1; j < groups.size(); ++j) {
      if (!std::isfinite(groups[i].mean) || !std::isfinite(groups[j].mean)) continue;
      const bool i_better = groups[i].mean <= groups[j].mean;
      const std::size_t a = i_better ? i : j, b = i_better ? j : i;
      const double sigma = std::hypot(groups[a].stderr_, groups[b].stderr_);
      const double delta = groups[b].mean - groups[a].mean;
      out.push_back({a, b, delta, sigma, std::isfinite(sigma) && delta > kSignificance * sigma});
    }
  return out;
}

Grouping group_runs(const std::vector<std::string>& run_groups) {
  Grouping g;
  for (const auto& name : run_groups) {
    const auto it = std::find(g.names.begin(), g.names.end(), name);
    g.of_run.push_back(static_cast<std::size_t>(it - g.names.begin()));
    if (it == g.names.end()) g.names.push_back(name);
  }
  return g;
}

}  // namespace neuralrg::report
