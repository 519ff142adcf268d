#include "flow/flow.hpp"

#include <numbers>

namespace neuralrg {

Flow::Flow(std::unique_ptr<Prior> prior, std::unique_ptr<Hierarchy> hierarchy, bool z2)
    : prior_(std::move(prior)), hierarchy_(std::move(hierarchy)), z2_(z2) {}

std::vector<Parameter*> Flow::parameters() const {
  std::vector<Parameter*> out = hierarchy_->parameters();
  for (Parameter* p : prior_parameters()) out.push_back(p);
  return out;
}

Var Flow::bare_log_prob(Var x) const {
  Transformed t = hierarchy_->inverse(x);
  return add(prior_->log_prob(t.value), t.log_det);
}

Var Flow::symmetrized_log_prob(Var bare_at_x, Var bare_at_minus_x) {
  return shift(logsumexp_rows(concat_cols(bare_at_x, bare_at_minus_x)),
               -std::numbers::ln2_v<Scalar>);
}

Var Flow::log_prob(Var x) const {
  if (!z2_) return bare_log_prob(x);
  return symmetrized_log_prob(bare_log_prob(x), bare_log_prob(neg(x)));
}

FlowSample Flow::sample(Tape& tape, Index rows, Rng& rng) const {
  Var eps = tape.filled(rows, sites(), 0);
  prior_->noise(rng, eps.value());
  Var z = prior_->reparameterize(eps);
  Transformed g = hierarchy_->forward(z);
  Var log_q = sub(prior_->log_prob(z), g.log_det);
  if (!z2_) return {g.value, log_q, z};
  // q_sym(±x) = ½[q(x) + q(−x)] for both signs, so one inference pass of −x suffices.
  Var log_q_sym = symmetrized_log_prob(log_q, bare_log_prob(neg(g.value)));
  Var signs = tape.filled(rows, 1, 1);
  for (Index r = 0; r < rows; ++r)
    if (rng.uniform() < 0.5) signs.value()(r, 0) = -1;
  return {mul(g.value, signs), log_q_sym, z};
}

}  // namespace neuralrg
