// What the stages of one run share: the validated spec, the run directory, the model.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "distributed/communicator.hpp"
#include "flow/flow.hpp"
#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

struct RunContext {
  const PipelineSpec& spec;
  const PluginRegistry& registry;
  std::filesystem::path dir;
  std::unique_ptr<Target> target;
  std::unique_ptr<Flow> flow;
  /// The epoch a train stage is at (or -1), so an error from a plugin can say when it happened.
  long long epoch;
  /// The ranks this run is spread over. Rank 0 alone reads and writes the run directory; what the
  /// others need from it (a checkpoint to resume from, the completed stages) it broadcasts.
  const Communicator* comm = &Communicator::world();
  /// The run's own flow while a stage uses another run's (flow_from): put back after the stage.
  std::unique_ptr<Flow> own_flow = nullptr;
};

/// Instantiates the target and the flow of `spec` (fresh weights from the seed).
void build_model(RunContext& context);

/// Set by SIGINT/SIGTERM: long stages stop at the next safe point, leaving a checkpoint.
std::atomic<bool>& stop_requested();
void install_stop_handlers();

/// Thrown when a stage stops on request; the run is resumable.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Throws Interrupted (`what` and how to resume) when a stop was requested. Sample and analyze
/// stages keep no partial state: they start over on resume, and their results do not change.
void stop_point(const RunContext& context, std::string_view what);
/// True on every rank when a stop was requested on any: the ranks stop at the same point. A
/// collective call: every rank of the run makes it at the same points.
bool stop_agreed(const RunContext& context);

}  // namespace neuralrg
