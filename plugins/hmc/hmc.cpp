// Hybrid (Hamiltonian) Monte Carlo: one leapfrog trajectory per chain per sweep, with a per-chain
// accept/reject on the total energy. Optional step-size adaptation by dual averaging (Hoffman &
// Gelman 2014) during warm-up only, and optional jitter of the trajectory length.
#include <cmath>

#include <neuralrg/neuralrg.hpp>

namespace hmc {
namespace {

using namespace neuralrg;

// H = U + ½|p|² per chain, in double whatever the build's Scalar: the accept test takes the
// difference of two large, nearly equal totals.
Eigen::ArrayXd hamiltonian(const Matrix& energy, const Matrix& p) {
  return energy.col(0).cast<double>().array() +
         0.5 * p.cast<double>().array().square().rowwise().sum();
}

class Hmc final : public Sampler {
 public:
  Hmc(double step_size, int leapfrog, bool adapt, double target_acceptance, double jitter)
      : step_size_(step_size),
        leapfrog_(leapfrog),
        adapt_(adapt),
        target_(target_acceptance),
        jitter_(jitter),
        mu_(std::log(10 * step_size)) {}

  void end_sweep(double acceptance, bool warmup) override {
    if (!adapt_) return;
    if (warmup) {
      ++t_;
      const double t = static_cast<double>(t_);
      h_bar_ = (1 - 1 / (t + kT0)) * h_bar_ + (target_ - acceptance) / (t + kT0);
      const double log_eps = mu_ - std::sqrt(t) / kGamma * h_bar_;
      const double w = std::pow(t, -kKappa);
      log_eps_bar_ = w * log_eps + (1 - w) * log_eps_bar_;
      step_size_ = std::exp(log_eps);
    } else if (t_ > 0 && !frozen_) {
      step_size_ = std::exp(log_eps_bar_);  // the averaged step, fixed for the measured sweeps
      frozen_ = true;
    }
  }

 private:
  void do_sweep(const SamplingSpace& space, ChainChunk& c, Rng& rng) const override {
    const Index n = c.state.rows(), d = c.state.cols();
    Matrix p(n, d), q = c.state, energy(n, 1);
    rng.fill_normal(p);
    const Eigen::ArrayXd h0 = hamiltonian(c.energy, p);
    int steps = leapfrog_;
    if (jitter_ > 0)
      steps = std::max(
          1, static_cast<int>(std::lround(leapfrog_ * (1 + jitter_ * (2 * rng.uniform() - 1)))));
    const Scalar eps = static_cast<Scalar>(step_size_);
    if (c.gradient.rows() != n || c.gradient.cols() != d) space.energy(q, energy, &c.gradient);
    Matrix grad = c.gradient;
    p -= 0.5 * eps * grad;
    for (int s = 1; s <= steps; ++s) {
      q += eps * p;
      space.energy(q, energy, &grad);
      p -= (s < steps ? eps : 0.5 * eps) * grad;
    }
    const Eigen::ArrayXd h1 = hamiltonian(energy, p);
    for (Index r = 0; r < n; ++r) {
      const double log_u = std::log(rng.uniform());
      const bool accept = std::isfinite(h1(r)) && log_u < h0(r) - h1(r);
      c.accepted(r, 0) = accept ? 1 : 0;
      if (accept) {
        c.state.row(r) = q.row(r);
        c.energy(r, 0) = energy(r, 0);
        c.gradient.row(r) = grad.row(r);
      }
    }
  }

  static constexpr double kGamma = 0.05, kT0 = 10, kKappa = 0.75;
  double step_size_;
  int leapfrog_;
  bool adapt_;
  double target_, jitter_, mu_;
  long long t_ = 0;
  double h_bar_ = 0, log_eps_bar_ = 0;
  bool frozen_ = false;
};

void register_factories(Registry& registry) {
  Schema s;
  s.real("step_size", 0.1, "Leapfrog step ε.").range(1e-12, std::nullopt);
  // Bounded: a stop request (Ctrl-C) is honoured between sweeps, so one trajectory must stay short.
  s.integer("leapfrog", 10, "Leapfrog steps per trajectory.").range(1, 1000);
  s.boolean("adapt", false, "Tune ε during warm-up by dual averaging (then keep it fixed).");
  s.real("target_acceptance", 0.8, "Acceptance the adaptation aims for.").range(0.05, 0.99);
  s.real("jitter", 0.0, "Trajectory length varies uniformly by ± this fraction.").range(0, 0.9);
  registry.add_sampler("hmc", "Hybrid Monte Carlo with leapfrog trajectories.", s,
                       [](const Params& p, const SamplerContext&) {
                         return std::make_unique<Hmc>(
                             p.real("step_size"), static_cast<int>(p.integer("leapfrog")),
                             p.boolean("adapt"), p.real("target_acceptance"), p.real("jitter"));
                       });
}

}  // namespace
}  // namespace hmc

NEURALRG_PLUGIN("hmc", "1.0.0", hmc::register_factories)
