// Where a train stage starts: from scratch, or from the newest usable checkpoint with
// metrics.csv cut back to match it; on several ranks, rank 0 decides and the others follow.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "distributed/communicator.hpp"
#include "neuralrg/optimizer.hpp"
#include "pipeline/stages/train_statistics.hpp"

namespace neuralrg {

/// The header line of metrics.csv.
extern const char* const kMetricsHeader;

struct TrainStart {
  long long epoch = 0;
  double elapsed_seconds = 0;
  std::optional<LossStatistics> initial;  // epoch 0's: the divergence rule's reference
  bool warm_started = false;              // epoch 0 from another run's weights (init_from)
};

/// Restores the newest usable checkpoint (if any) into `params` and `optimizer` and cuts
/// metrics.csv back to the rows before it: rows after it and any partial row go, so the resumed
/// run rewrites exactly the rows an uninterrupted run would have written after it. A corrupt
/// checkpoint is set aside (*.corrupt) and the previous one tried, saying so.
TrainStart resume_or_start(const std::filesystem::path& metrics_file,
                           const std::filesystem::path& checkpoints, long long epochs,
                           std::uint64_t seed, const std::vector<Parameter*>& params,
                           Optimizer& optimizer);

/// Rank 0's start (`start`, and the restored weights and optimizer state) on every rank.
TrainStart share_start(const Communicator& comm, TrainStart start,
                       const std::vector<Parameter*>& params, Optimizer& optimizer,
                       std::uint64_t seed);

}  // namespace neuralrg
