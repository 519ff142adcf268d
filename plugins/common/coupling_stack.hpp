// Running a stack of couplings: in order for the generative direction, in reverse for the
// inference direction, summing the log-dets. Shared by the coupling plugins.
#pragma once

#include <vector>

#include <neuralrg/neuralrg.hpp>

namespace conditioner {

/// Applies `step(coupling, y, log_det, inverse)` for each coupling, which updates y and adds its
/// log-det, starting from y = in and log_det = 0.
template <class Coupling, class Step>
neuralrg::Transformed run_couplings(const std::vector<Coupling>& couplings, neuralrg::Var in,
                                    bool inverse, Step&& step) {
  neuralrg::Var y = in;
  neuralrg::Var log_det = in.tape().filled(in.rows(), 1, 0);
  if (inverse)
    for (auto c = couplings.rbegin(); c != couplings.rend(); ++c) step(*c, y, log_det, true);
  else
    for (const auto& c : couplings) step(c, y, log_det, false);
  return {y, log_det};
}

}  // namespace conditioner
