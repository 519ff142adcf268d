#include "pipeline/run_context.hpp"

#include <csignal>

#include "flow/flow_builder.hpp"

namespace neuralrg {

void build_model(RunContext& c) {
  const auto& target = *c.spec.target;
  c.target = std::get<TargetFactory>(target.factory->factory)(target.params, TargetContext{});
  c.flow = build_flow(c.target->lattice(), *c.spec.flow, *c.spec.block->factory,
                      c.spec.block->params, *c.spec.prior->factory, c.spec.prior->params,
                      c.spec.seed);
}

std::atomic<bool>& stop_requested() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {
extern "C" void on_stop_signal(int) { stop_requested().store(true); }
}  // namespace

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

}  // namespace neuralrg
