// Runs repeated with different seeds, summarised per group: mean and standard error over the
// seeds, and which differences between groups exceed their combined error. One seed per group
// says nothing about seed-to-seed noise, and the comparison says so instead of ranking.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace neuralrg::report {

struct MeanError {
  double mean;
  double stderr_;     ///< Standard error of the mean over the finite values; NaN with fewer than 2.
  std::size_t count;  ///< Finite values used.
};

MeanError mean_error(const std::vector<double>& values);

/// A difference counts when |Δ| > kSignificance × √(σ₁² + σ₂²). With 3 seeds each the standard
/// errors are themselves uncertain (Student t, ~4 degrees of freedom): about 12 % of equal pairs
/// pass at 2σ, 4 % at 3σ.
inline constexpr double kSignificance = 3.0;

struct Difference {
  std::size_t a, b;  ///< Group indices, a better (lower) than b.
  double delta;      ///< mean_b − mean_a ≥ 0
  double sigma;      ///< Combined standard error.
  bool significant;  ///< delta > kSignificance × sigma (false when sigma is unknown).
};

/// Every pair of groups with finite means, ordered by a then b.
std::vector<Difference> differences(const std::vector<MeanError>& groups);

/// The groups' names in first-seen order, and for every run the index of its group.
struct Grouping {
  std::vector<std::string> names;
  std::vector<std::size_t> of_run;
};
Grouping group_runs(const std::vector<std::string>& run_groups);

}  // namespace neuralrg::report
