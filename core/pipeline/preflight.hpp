// Everything `run` checks before it creates a run directory or computes, in one place, so that
// `validate` says OK exactly when `run` would start.
#pragma once

#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

/// Builds the model of `spec` and of each of its variants (targets and flows refuse lattice sizes,
/// depths and offsets they cannot handle only when built), and loads every `flow_from` run's
/// trained flow into it, refusing non-finite weights, and makes every stage's samplers (which may
/// refuse the target or the space). Every refusal is a ConfigError located at
/// the offending key.
void check_runnable(const PipelineSpec& spec, const PluginRegistry& registry);

}  // namespace neuralrg
