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
  if (stop_requested().load())
    throw Interrupted(
        fmt::format("{}; continue with: neuralrg run --resume {}", what, context.dir.string()));
}

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

}  // namespace neuralrg
