// The neuralrg subcommands. Each returns the process exit status.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace neuralrg::cli {

/// Options shared by every subcommand.
struct GlobalOptions {
  std::vector<std::filesystem::path> plugin_path;
  std::vector<std::string> command_line;  ///< argv, recorded in run.json
};

int list_plugins(const GlobalOptions& global, bool json);
int describe_plugin(const GlobalOptions& global, const std::string& name, bool json);

struct PipelineOptions {
  std::filesystem::path pipeline;
  std::vector<std::string> overrides;
  std::filesystem::path out;
  int threads = 0;
  std::filesystem::path resume;      ///< Run directory to continue.
  bool allow_config_change = false;  ///< Accept a pipeline that differs from the run's.
  int jobs = 1;                      ///< Variants run at once.
  std::string variant;               ///< Run only this variant (a job of an array).
};

struct ExactOptions {
  int L = 16;
  std::string beta = "critical";
  std::string offset = "auto";
  bool json = false;
};

int exact_ising(const ExactOptions& options);

int validate_pipeline(const GlobalOptions& global, const PipelineOptions& options);
int run_pipeline(const GlobalOptions& global, const PipelineOptions& options);

/// Prints docs/pipelines.md: every stage's and loaded plugin's keys, types, defaults, meaning.
int pipeline_reference(const GlobalOptions& global);
/// neuralrg docs --json-schema
int pipeline_schema_json(const GlobalOptions& global);

/// Writes RUN_DIR/report.html from what the run's stages left there; for a run with variants,
/// the comparison of those that have finished.
int report_run(const GlobalOptions& global, const std::filesystem::path& run_dir);
/// neuralrg compare RUN_DIR... --out DIR
int compare_runs(const std::vector<std::filesystem::path>& runs, const std::filesystem::path& out);

struct EvaluateOptions {
  std::filesystem::path run_dir;
  std::vector<std::string> overrides;  ///< e.g. target.L=32: the lattice to carry the flow to
  long long samples = 4096;
  int threads = 0;
  bool json = false;
};

/// neuralrg evaluate RUN_DIR: the trained flow's bound, relative error and ESS on the run's target
/// with `overrides` applied (another L: zero-shot transfer, weights mapped as a warm start maps
/// them), without training.
int evaluate_run(const GlobalOptions& global, const EvaluateOptions& options);

/// Exit statuses: 0 success, 1 runtime failure, 2 invalid input (configuration or usage).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitInvalidInput = 2;
inline constexpr int kExitInterrupted = 130;
/// A file of the run could not be written (full disk, quota, I/O error); resumable. sysexits'
/// EX_IOERR; docs/failure-and-recovery.md lists them all.
inline constexpr int kExitWriteError = 74;

}  // namespace neuralrg::cli
