// Metropolis samplers. independence: proposals are fresh flow samples, accepted with
// min(1, w(x')/w(x)), w = π/q — exact MCMC from an approximate flow. random_walk: Gaussian local
// moves of all variables, accepted with min(1, e^{E − E'}).
#include <cmath>

#include <neuralrg/neuralrg.hpp>

namespace metropolis {
namespace {

using namespace neuralrg;

class Metropolis final : public Sampler {
 public:
  Metropolis(bool independence, double step_size)
      : independence_(independence), step_size_(step_size) {}

  MoveKind move_kind() const override {
    return independence_ ? MoveKind::independence : MoveKind::local;
  }

 private:
  void do_sweep(const SamplingSpace& space, ChainChunk& c, Rng& rng) const override {
    const Index n = c.state.rows(), d = c.state.cols();
    c.gradient.resize(0, 0);  // moved states would leave a stored gradient stale
    Matrix proposal(n, d), energy(n, 1), log_q(n, 1);
    if (independence_) {
      space.propose(rng, proposal, log_q);
    } else {
      rng.fill_normal(proposal);
      proposal = c.state + static_cast<Scalar>(step_size_) * proposal;
    }
    space.energy(proposal, energy, nullptr);
    for (Index r = 0; r < n; ++r) {
      // ln of the acceptance ratio; for independence moves ln w = −E − ln q.
      const double log_ratio =
          independence_ ? (-energy(r, 0) - log_q(r, 0)) - (-c.energy(r, 0) - c.log_proposal(r, 0))
                        : c.energy(r, 0) - energy(r, 0);
      const bool accept = std::isfinite(log_ratio) && std::log(rng.uniform()) < log_ratio;
      c.accepted(r, 0) = accept ? 1 : 0;
      if (accept) {
        c.state.row(r) = proposal.row(r);
        c.energy(r, 0) = energy(r, 0);
        if (independence_) c.log_proposal(r, 0) = log_q(r, 0);
      }
    }
  }

  bool independence_;
  double step_size_;
};

void register_factories(Registry& registry) {
  Schema s;
  s.choice("mode", "independence", {"independence", "random_walk"},
           "independence: fresh flow samples; random_walk: Gaussian local moves.");
  s.real("step_size", 0.1, "Standard deviation of random-walk moves.").range(1e-12, std::nullopt);
  registry.add_sampler("metropolis", "Metropolis: independence (neural MCMC) or random walk.", s,
                       [](const Params& p, const SamplerContext&) {
                         return std::make_unique<Metropolis>(p.text("mode") == "independence",
                                                             p.real("step_size"));
                       });
}

}  // namespace
}  // namespace metropolis

NEURALRG_PLUGIN("metropolis", "1.0.0", metropolis::register_factories)
