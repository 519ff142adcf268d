// Where a train stage keeps its files in the run directory: the one place that knows the names,
// for the stage itself and for the resume checks that read them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

namespace neuralrg {

/// metrics.csv for the first train stage, metrics-stage<i>.csv for a later one.
std::filesystem::path train_metrics_file(const std::filesystem::path& run, std::size_t index);
/// checkpoints/ (or checkpoints-stage<i>/) of train stage `index`.
std::filesystem::path train_checkpoint_dir(const std::filesystem::path& run, std::size_t index);
/// The checkpoint taken after `epoch` epochs: epoch-00000012.ckpt.
std::filesystem::path train_checkpoint_file(const std::filesystem::path& dir, long long epoch);
/// The epoch count in a checkpoint's name, or -1 if it is not one.
long long train_checkpoint_epoch(const std::filesystem::path& file);
/// The checkpoints in `dir`, oldest first.
std::vector<std::filesystem::path> train_checkpoints(const std::filesystem::path& dir);
/// The most epochs train stage `index` has checkpointed in `run`, or 0.
long long newest_checkpointed_epoch(const std::filesystem::path& run, std::size_t index);

}  // namespace neuralrg
