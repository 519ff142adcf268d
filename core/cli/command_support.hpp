// What the pipeline commands share: how they fail, how they describe a pipeline.
#pragma once

#include <fmt/format.h>

#include <new>
#include <string>

#include "cli/commands.hpp"
#include "distributed/communicator.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/run_context.hpp"
#include "util/atomic_file.hpp"

namespace neuralrg::cli {

void warn_problems(const PluginRegistry& registry);

/// One line: the pipeline's name, target, prior, flow, stages and variants.
std::string summary(const PipelineSpec& spec);

/// Trainable parameters of the flow `spec` builds.
long long parameter_count(const PipelineSpec& spec, const PluginRegistry& registry);

/// Prints `message` and returns `status`; on one of several ranks it ends the whole job.
int fail(int status, const std::string& message);

/// Runs `body`, turning what it throws into a message and an exit status.
template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const CollectiveError& e) {  // every rank is here: each ends normally
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  } catch (const Interrupted& e) {  // a stop the ranks agreed on
    fmt::print(stderr, "\n{}\n", e.what());
    return kExitInterrupted;
  } catch (const ConfigError& e) {
    return fail(kExitInvalidInput, fmt::format("error: {}", e.what()));
  } catch (const WriteError& e) {
    return fail(kExitWriteError, fmt::format("error: {}", e.what()));
  } catch (const std::bad_alloc&) {
    return fail(kExitFailure,
                "error: out of memory: this pipeline's sizes (batch, chunk, chains, the lattice) "
                "need more memory than this machine can give");
  } catch (const std::exception& e) {
    return fail(kExitFailure, fmt::format("error: {}", e.what()));
  }
}

}  // namespace neuralrg::cli
