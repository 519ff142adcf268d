// Per-epoch statistics of the variational loss ln q(x) + E(x) over a batch.
#pragma once

#include "neuralrg/types.hpp"

namespace neuralrg {

struct LossStatistics {
  double mean;  ///< The variational free energy bound (batch estimate).
  double std;   ///< Sample standard deviation of the per-sample loss.
  double ess;   ///< (Σw)² / (n Σw²) with ln w = −loss: importance-sampling efficiency.
  double free_energy_is;  ///< −ln mean(w): the importance-sampling estimate of −ln Z.
};

/// From the per-sample losses (n×1). Stable for any spread of log-weights.
LossStatistics loss_statistics(const Matrix& losses);

}  // namespace neuralrg
