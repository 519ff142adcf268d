#include "pipeline/run_context.hpp"

#include <fmt/format.h>

#include <csignal>

#include "pipeline/flow_builder.hpp"

namespace neuralrg {

void build_model(RunContext& c) {
  const auto& target = *c.spec.target;
  c.target = std::get<TargetFactory>(target.factory->factory)(target.params, TargetContext{});
  c.flow = build_flow(c.target->lattice(), *c.spec.flow, c.spec.blocks, *c.spec.prior, c.spec.seed);
}

std::atomic<bool>& stop_requested() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {
// The first signal asks for a clean stop; a second one, while that is under way, is obeyed at
// once (the default action), for a user who will not wait.
extern "C" void on_stop_signal(int signal) {
  if (stop_requested().exchange(true)) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}
}  // namespace

void stop_point(const RunContext& context, std::string_view what) {
  if (stop_agreed(context))
    throw Interrupted(
        fmt::format("{}; continue with: neuralrg run --resume {}", what, context.dir.string()));
}

bool stop_agreed(const RunContext& context) {
  return context.comm->any(stop_requested().load());
}

// SIGUSR1 too: Open MPI's mpirun forwards it to every rank (SIGINT and SIGTERM it turns into a
// SIGTERM followed by a SIGKILL a few seconds later), and SLURM sends it ahead of a time limit
// with --signal=USR1@SECONDS.
void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
}

}  // namespace neuralrg
