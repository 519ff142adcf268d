// The few numbers that summarise a training run's metrics.csv, shared by the run report and the
// variant comparison.
#pragma once

#include <cstddef>
#include <vector>

#include "util/csv.hpp"

namespace neuralrg::report {

struct TrainingSummary {
  std::size_t epochs = 0;
  std::size_t window = 1;       ///< Epochs per running mean.
  double final_relative_error;  ///< Running mean at the last epoch.
  double best_relative_error;   ///< Smallest running mean.
  double free_energy_exact;
  double final_bound;           ///< Running mean of the loss at the last epoch.
  double final_free_energy_is;  ///< Running mean of the importance-sampling estimate.
  double final_ess;             ///< Running mean of the ESS fraction at the last epoch.
  double seconds_per_epoch;     ///< Mean over epochs.
  std::vector<double> smooth_relative_error, smooth_ess, smooth_bound;  ///< Per epoch.
};

/// One batch's bound fluctuates and can even fall below the exact value, so the summary uses
/// running means over `window` = max(1, epochs / 50) epochs.
TrainingSummary summarize_training(const CsvTable& metrics);

/// Mean over the trailing `window` values (fewer at the start), skipping non-finite ones.
std::vector<double> running_mean(const std::vector<double>& v, std::size_t window);

}  // namespace neuralrg::report
