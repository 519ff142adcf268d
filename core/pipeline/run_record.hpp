// run.json: what produced a run directory — the resolved configuration, and one session per
// invocation (the first run and every resume): the build (version, ABI, git revision, kernel
// level and library), command line, overrides, threads, ranks, host, start, end and how it ended.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/pipeline_spec.hpp"
#include "util/json.hpp"

namespace neuralrg {

struct Invocation {
  std::vector<std::string> command;    ///< argv as given
  std::vector<std::string> overrides;  ///< --set assignments
  int ranks = 1;
};

/// The session of this process in DIR/run.json. Every write is atomic, so the file always parses.
/// Earlier sessions left "running" (their process was killed) are marked "aborted".
class RunRecord {
 public:
  /// Adds a "running" session (creating run.json when absent or unreadable) and writes it, with
  /// the target's lattice (what comparisons across lattice sizes plot against).
  RunRecord(std::filesystem::path dir, const PipelineSpec& spec, const Invocation& invocation,
            const std::vector<Index>& lattice);
  /// Records how the session ended: "completed", "stopped" or "failed". A failure to write is
  /// a warning: this runs while the run's own error or stop is being reported.
  void finish(std::string_view status) noexcept;

 private:
  std::filesystem::path file_;
  Json record_;
};

/// git describe of the source tree this binary was built from ("" when not built from git).
std::string_view source_revision();

}  // namespace neuralrg
