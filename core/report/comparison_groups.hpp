// The comparison of variants repeated over seeds: one row per variant (group) with mean ±
// standard error over its seeds, which differences exceed their combined error, and error
// against cost (seconds per epoch, parameters) in one figure.
#pragma once

#include <string>
#include <vector>

#include "report/group_statistics.hpp"

namespace neuralrg::report {

/// What the comparison takes from one run. `error` is the final relative error, or the final
/// bound for targets without an exact free energy (lower is better either way).
struct RunNumbers {
  std::string group;
  bool completed;
  long long parameters;
  double error, best, ess, seconds_per_epoch;
};

struct GroupRow {
  std::string name;
  std::size_t runs = 0, completed = 0;
  long long parameters = 0;
  MeanError error, best, ess, seconds_per_epoch;
  std::vector<std::string> worse_than;  ///< Groups significantly better than this one.
};

std::vector<GroupRow> summarize_groups(const std::vector<RunNumbers>& runs);

/// comparison.csv: one row per group. `relative`: error is a relative error (else a bound).
std::string groups_csv(const std::vector<GroupRow>& groups, bool relative);
/// The table and a sentence per significant difference (or why none can be judged).
std::string groups_html(const std::vector<GroupRow>& groups, bool relative);
/// Final error against seconds per epoch, one point with error bars per group, labelled with its
/// parameter count.
std::string cost_figure_svg(const std::vector<GroupRow>& groups, bool relative);

}  // namespace neuralrg::report
