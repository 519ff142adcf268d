// Side-by-side runs: each variant of a pipeline runs as its own neuralrg process in
// RUN_DIR/variants/NAME (a complete run directory with its own log), several at once if asked.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

struct VariantRunOptions {
  std::filesystem::path executable;                ///< This neuralrg binary.
  std::vector<std::filesystem::path> plugin_path;  ///< Passed on to every child.
  int jobs = 1;                                    ///< Variants running at once.
  int threads_per_job = 0;                         ///< 0: the cores divided among the jobs.
  /// The variants this process runs, by index (none given: all). The others get status kNotRunHere
  /// unless their directory shows them finished.
  std::optional<std::vector<std::size_t>> only;
};

/// The outcome of a variant another process runs (another rank, another job of an array).
inline constexpr int kNotRunHere = -1;

struct VariantOutcome {
  std::string name;
  std::filesystem::path dir;
  int status;  ///< The child's exit status (0 = every stage completed).
};

/// True when the variant's run directory records every stage as completed.
bool variant_finished(const std::filesystem::path& dir, std::size_t stages);

/// Runs (or, when its directory already exists, resumes) every variant of `spec` below
/// `run_dir`/variants. Stops starting new variants after SIGINT/SIGTERM. Returns one outcome per
/// variant, in the pipeline's order.
std::vector<VariantOutcome> run_variants(const PipelineSpec& spec,
                                         const std::filesystem::path& run_dir,
                                         const VariantRunOptions& options);

}  // namespace neuralrg
