// Each sampler plugin leaves a correlated 2-variable Gaussian invariant: empirical mean and
// covariance within error bars.
#include <doctest/doctest.h>

#include <Eigen/LU>
#include <cmath>
#include <numbers>

#include "sampling/chain_runner.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

namespace {

// E(x) = ½ xᵀ Σ⁻¹ x with Σ = [[1, 0.6], [0.6, 2]]; proposals from N(0, 1.5² I).
class GaussianSpace : public ChainSpace {
 public:
  static constexpr double kProposalScale = 1.5;
  GaussianSpace() {
    Eigen::Matrix<Scalar, 2, 2> sigma;
    sigma << 1, Scalar(0.6), Scalar(0.6), 2;
    precision_ = sigma.inverse();
  }
  std::string_view name() const override { return "physical"; }
  Index dim() const override { return 2; }
  void energy(const Matrix& q, Matrix& e, Matrix* grad) const override {
    e.resize(q.rows(), 1);
    const Matrix pq = q * precision_;
    e.col(0) = 0.5 * (q.array() * pq.array()).rowwise().sum().matrix();
    if (grad) *grad = pq;
  }
  void to_physical(const Matrix& q, Matrix& x) const override { x = q; }
  void from_physical(const Matrix& x, Matrix& q) const override { q = x; }
  void propose(Rng& rng, Matrix& q, Matrix& log_q) const override {
    rng.fill_normal(q);
    q *= kProposalScale;
    proposal_log_density(q, log_q);
  }
  void proposal_log_density(const Matrix& q, Matrix& log_q) const override {
    const double s = kProposalScale;
    log_q.resize(q.rows(), 1);
    log_q.col(0) = (-0.5 * (q.array() / s).square().rowwise().sum() - 2 * std::log(s) -
                    std::log(2 * std::numbers::pi))
                       .matrix();
  }

 private:
  Eigen::Matrix<Scalar, 2, 2> precision_;
};

// Measures x0, x1, x0², x1², x0·x1.
class Moments final : public Target {
 public:
  std::vector<Index> lattice() const override { return {2}; }
  Var do_energy(Var x) const override { return x; }
  std::vector<Observable> observables() const override {
    return {{"x0", "", {}}, {"x1", "", {}}, {"x0x0", "", {}}, {"x1x1", "", {}}, {"x0x1", "", {}}};
  }
  void do_measure(const Matrix& x, Rng&, Matrix& out) const override {
    out.resize(x.rows(), 5);
    out.col(0) = x.col(0);
    out.col(1) = x.col(1);
    out.col(2) = x.col(0).array().square().matrix();
    out.col(3) = x.col(1).array().square().matrix();
    out.col(4) = (x.col(0).array() * x.col(1).array()).matrix();
  }
};

}  // namespace

TEST_CASE("every sampler leaves the Gaussian invariant (mean and covariance within 4 sigma)") {
  const GaussianSpace space;
  const Moments moments;
  const double exact[] = {0, 0, 1, 2, 0.6};
  for (const char* yaml : {"{plugin: hmc, step_size: 0.3, leapfrog: 5}",
                           "{plugin: hmc, step_size: 0.05, leapfrog: 8, adapt: true, jitter: 0.3}",
                           "{plugin: metropolis, mode: independence}",
                           "{plugin: metropolis, mode: random_walk, step_size: 0.8}"}) {
    CAPTURE(yaml);
    auto sampler = test::make_sampler(yaml);
    ChainOptions o;
    o.chains = 64;
    o.chunk = 16;
    o.warmup = 200;
    o.sweeps = 1500;
    o.seed = 11;
    const ChainResult r = run_chains(space, *sampler, moments, o);
    CHECK(r.acceptance > 0.2);
    for (std::size_t k = 0; k < 5; ++k) {
      CAPTURE(r.observables[k].name);
      const auto& e = r.observables[k].estimate;
      CHECK(std::abs(e.mean - exact[k]) < 4 * e.stderr_);
      CHECK(e.stderr_ < 0.1);  // the check has teeth: error bars are small
    }
  }
}

TEST_CASE("HMC keeps the gradient where a trajectory ends: one evaluation fewer, same chains") {
  struct CountingSpace final : GaussianSpace {
    mutable int gradients = 0;
    void energy(const Matrix& q, Matrix& e, Matrix* grad) const override {
      if (grad) ++gradients;
      GaussianSpace::energy(q, e, grad);
    }
  } space;
  auto hmc = test::make_sampler("{plugin: hmc, step_size: 0.3, leapfrog: 5}");
  ChainChunk kept, recomputed;
  Rng init(5);
  kept.state.resize(8, 2);
  init.fill_normal(kept.state);
  kept.accepted.resize(8, 1);
  space.energy(kept.state, kept.energy, nullptr);
  recomputed = kept;
  for (std::uint64_t sweep = 0; sweep < 4; ++sweep) {
    CAPTURE(sweep);
    space.gradients = 0;
    Rng a(100 + sweep), b(100 + sweep);
    hmc->sweep(space, kept, a);
    CHECK(space.gradients == (sweep == 0 ? 6 : 5));
    recomputed.gradient.resize(0, 0);
    hmc->sweep(space, recomputed, b);
    CHECK(kept.state == recomputed.state);
    CHECK(kept.energy == recomputed.energy);
    CHECK(kept.accepted.sum() > 0);
  }
  // A move that does not compute gradients must not leave a stale one behind.
  auto metropolis = test::make_sampler("{plugin: metropolis, mode: random_walk, step_size: 0.5}");
  Rng c(9);
  metropolis->sweep(space, kept, c);
  CHECK(kept.gradient.size() == 0);
}
