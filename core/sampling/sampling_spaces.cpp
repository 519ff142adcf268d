#include "sampling/sampling_spaces.hpp"

namespace neuralrg {
namespace {

// One tape per calling thread: spaces are shared by the chunks of chains running in parallel.
Tape& thread_tape() {
  thread_local Tape tape;
  tape.reset();
  tape.freeze_parameters(true);
  return tape;
}

template <class EnergyOf>
void energy_and_gradient(const Matrix& q, Matrix& energy, Matrix* grad, EnergyOf&& energy_of) {
  Tape& tape = thread_tape();
  Var in = grad ? tape.input(q) : tape.constant(q);
  Var e = energy_of(in);
  energy = e.value();
  if (grad) {
    tape.backward(e);  // rows are independent chains, so ones as the seed give each gradient
    *grad = in.adjoint();
  }
}

}  // namespace

void LatentSpace::energy(const Matrix& z, Matrix& energy, Matrix* grad) const {
  energy_and_gradient(z, energy, grad, [&](Var in) {
    Transformed g = flow_.forward(in);
    return sub(target_.energy(g.value), g.log_det);
  });
}

void LatentSpace::propose(Rng& rng, Matrix& z, Matrix& log_proposal) const {
  Tape& tape = thread_tape();
  Var eps = tape.filled(z.rows(), z.cols(), 0);
  flow_.prior().noise(rng, eps.value());
  Var latent = flow_.prior().reparameterize(eps);
  z = latent.value();
  log_proposal = flow_.prior_log_prob(latent).value();
}

void LatentSpace::to_physical(const Matrix& z, Matrix& x) const {
  Tape& tape = thread_tape();
  x = flow_.forward(tape.constant(z)).value.value();
}

void LatentSpace::from_physical(const Matrix& x, Matrix& z) const {
  Tape& tape = thread_tape();
  z = flow_.inverse(tape.constant(x)).value.value();
}

void LatentSpace::proposal_log_density(const Matrix& z, Matrix& log_proposal) const {
  Tape& tape = thread_tape();
  log_proposal = flow_.prior_log_prob(tape.constant(z)).value();
}

void PhysicalSpace::energy(const Matrix& x, Matrix& energy, Matrix* grad) const {
  energy_and_gradient(x, energy, grad, [&](Var in) { return target_.energy(in); });
}

void PhysicalSpace::propose(Rng& rng, Matrix& x, Matrix& log_proposal) const {
  Tape& tape = thread_tape();
  FlowSample s = flow_.sample(tape, x.rows(), rng);
  x = s.x.value();
  log_proposal = s.log_q.value();
}

void PhysicalSpace::proposal_log_density(const Matrix& x, Matrix& log_proposal) const {
  Tape& tape = thread_tape();
  log_proposal = flow_.log_prob(tape.constant(x)).value();
}

}  // namespace neuralrg
