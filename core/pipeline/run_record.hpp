// run.json: what produced a run directory — the build, the resolved configuration, and one
// session per invocation (the first run and every resume): command line, overrides, threads,
// ranks, host, start, end and how it ended.
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
class RunRecord {
 public:
  /// Adds a "running" session (creating run.json when absent or unreadable) and writes it.
  RunRecord(std::filesystem::path dir, const PipelineSpec& spec, const Invocation& invocation);
  /// Records how the session ended: "completed", "stopped" or "failed".
  void finish(std::string_view status);

 private:
  std::filesystem::path file_;
  Json record_;
};

/// git describe of the source tree this binary was built from ("" when not built from git).
std::string_view source_revision();

}  // namespace neuralrg
