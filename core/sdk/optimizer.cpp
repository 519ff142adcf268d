// Optimizer::step: the same parameters every call, each gradient shaped like its value.
#include "neuralrg/optimizer.hpp"

#include "sdk/contract_check.hpp"

namespace neuralrg {

void Optimizer::step(std::span<Parameter* const> params, Scalar lr) {
  if (seen_.empty()) seen_.assign(params.begin(), params.end());
  if (params.size() != seen_.size())
    detail::contract_error("optimizer step", fmt::format("called with {} parameters after {}",
                                                         params.size(), seen_.size()));
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Parameter& p = *params[i];
    if (&p != seen_[i])
      detail::contract_error(
          "optimizer step",
          fmt::format("parameter {} ('{}') is not the one of the first call", i, p.name));
    detail::require_result_shape("optimizer step", fmt::format("a gradient for '{}'", p.name),
                                 p.grad.rows(), p.grad.cols(), p.value.rows(), p.value.cols());
  }
  do_step(params, lr);
}

}  // namespace neuralrg
