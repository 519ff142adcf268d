#include "cli/command_support.hpp"

#include <fmt/ranges.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "config/suggest.hpp"

namespace neuralrg::cli {
namespace {

// "realnvp", or "wavelet_linear+spline" for a chain of blocks.
std::string block_names(const PipelineSpec& spec) {
  std::vector<std::string> names;
  for (const auto& b : spec.blocks) names.push_back(b.factory->name);
  return fmt::format("{}", fmt::join(names, "+"));
}

}  // namespace

void warn_problems(const PluginRegistry& registry) {
  for (const auto& p : registry.problems())
    fmt::print(stderr, "warning: plugin library skipped: {}: {}\n", p.path.string(), p.message);
}

std::string summary(const PipelineSpec& spec) {
  std::vector<std::string> stages;
  for (const auto& s : spec.stages) stages.push_back(s.kind);
  return fmt::format(
      "pipeline \"{}\": target {}, prior {}, flow {}/{}, stages: {}{}", spec.name,
      spec.target->factory->name, spec.prior->factory->name, spec.flow->text("layout"),
      block_names(spec), join(stages),
      spec.variants.empty() ? "" : fmt::format(", {} variants", spec.variants.size()));
}

long long parameter_count(const PipelineSpec& spec, const PluginRegistry& registry) {
  RunContext context{spec, registry, {}, {}, {}, -1};
  build_model(context);
  long long n = 0;
  for (const Parameter* p : context.flow->parameters()) n += p->value.size();
  return n;
}

// How a failed command ends. On one process: the message and the status. On one of several ranks
// the others may be waiting for this one, so the whole job ends (MPI_Abort) once the message is
// out: rank 0 prints it; another rank, whose terminal output is silenced, writes it to its saved
// error stream after a moment, so that the same error on every rank reads once, from rank 0.
int fail(int status, const std::string& message) {
  const Communicator& world = Communicator::world();
  if (world.is_root()) {
    fmt::print(stderr, "{}\n", message);
  } else {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const std::string line = fmt::format("rank {}: {}\n", world.rank(), message);
    [[maybe_unused]] const auto written = ::write(rank_error_fd(), line.data(), line.size());
  }
  if (world.size() > 1) world.abort(status);
  return status;
}

}  // namespace neuralrg::cli
