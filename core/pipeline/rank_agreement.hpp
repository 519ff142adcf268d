// Before the first step, every rank must be about to run the same thing.
#pragma once

#include "distributed/communicator.hpp"
#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

/// Compares every rank's resolved configuration and plugin set (name, version and factories of
/// each library) with rank 0's. A collective call; when they differ, throws CollectiveError on
/// every rank, rank 0's naming the ranks that differ and in what.
void check_ranks_agree(const Communicator& comm, const PipelineSpec& spec,
                       const PluginRegistry& registry);

}  // namespace neuralrg
