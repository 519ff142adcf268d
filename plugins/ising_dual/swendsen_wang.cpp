// Swendsen–Wang cluster moves for the ising_dual target, in the target's own x space. The dual is
// the x-marginal of p(x, s) ∝ exp(−½ xᵀ(K + aI)⁻¹x + sᵀx), whose s-marginal is the Ising model.
// One sweep: draw s | x (independent spins), update s by Swendsen–Wang (which leaves the Ising
// model invariant), draw x | s ~ N((K + aI)s, K + aI). Each step leaves p(x, s) invariant, so the
// x chain has π as its stationary law, and every estimator of the x space applies unchanged.
#include <cmath>
#include <numeric>

#include "ising_dual.hpp"

namespace ising_dual {
namespace {

using namespace neuralrg;

// Union–find over the sites of one configuration, with path halving.
class Clusters {
 public:
  explicit Clusters(Index sites) : parent_(static_cast<std::size_t>(sites)) {}
  void reset() { std::iota(parent_.begin(), parent_.end(), Index{0}); }
  Index root(Index i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void join(Index a, Index b) { parent_[root(a)] = root(b); }

 private:
  std::vector<Index> parent_;
};

class SwendsenWang final : public Sampler {
 public:
  SwendsenWang(int L, double beta, double offset)
      : L_(L),
        bond_probability_(-std::expm1(-2 * beta)),
        covariance_(L, beta, offset, 1),
        covariance_root_(L, beta, offset, 0.5) {}

 private:
  void do_sweep(const SamplingSpace& space, ChainChunk& c, Rng& rng) const override {
    const Index n = c.state.rows(), N = c.state.cols();
    Matrix spins(n, N);
    Clusters clusters(N);
    for (Index r = 0; r < n; ++r) {
      for (Index i = 0; i < N; ++i)  // P(s_i = +1 | x) = (1 + tanh x_i)/2
        spins(r, i) = rng.uniform() < 0.5 * (1 + std::tanh(c.state(r, i))) ? 1 : -1;
      flip_clusters(spins.row(r), clusters, rng);
    }
    Matrix mean(n, N), noise(n, N);
    covariance_.apply(ConstMatrixMap(spins.data(), n, N), MatrixMap(mean.data(), n, N));
    rng.fill_normal(noise);
    covariance_root_.apply(ConstMatrixMap(noise.data(), n, N), MatrixMap(c.state.data(), n, N));
    c.state += mean;
    space.energy(c.state, c.energy, nullptr);
    c.accepted.setOnes();     // a Gibbs move: every proposal is accepted
    c.gradient.resize(0, 0);  // the states moved, so a stored gradient is stale
  }

  // Bonds between equal neighbours are kept with probability 1 − e^{−2β}; each cluster they
  // connect flips with probability ½.
  template <class Row>
  void flip_clusters(Row s, Clusters& clusters, Rng& rng) const {
    clusters.reset();
    for (int i = 0; i < L_; ++i)
      for (int j = 0; j < L_; ++j) {
        const Index site = i * L_ + j;
        for (const Index next : {i * L_ + (j + 1) % L_, ((i + 1) % L_) * L_ + j})
          if (s(site) == s(next) && rng.uniform() < bond_probability_) clusters.join(site, next);
      }
    std::vector<signed char> flip(static_cast<std::size_t>(s.size()), -1);  // −1: not drawn
    for (Index site = 0; site < s.size(); ++site) {
      signed char& f = flip[static_cast<std::size_t>(clusters.root(site))];
      if (f < 0) f = rng.uniform() < 0.5 ? 1 : 0;
      if (f) s(site) = -s(site);
    }
  }

  int L_;
  double bond_probability_;
  CouplingPower covariance_, covariance_root_;
};

}  // namespace

void register_swendsen_wang(Registry& registry) {
  registry.add_sampler(
      "swendsen_wang",
      "Swendsen–Wang cluster moves for the ising_dual target (spins s | x, clusters, x | s), in "
      "physical space: the local-move baseline a physicist would pick for this model.",
      Schema{}, [](const Params&, const SamplerContext& context) -> std::unique_ptr<Sampler> {
        const auto* target = dynamic_cast<const IsingDual*>(context.target);
        if (!target)
          throw std::invalid_argument(
              "swendsen_wang updates the spins behind the ising_dual target; use it with target "
              "{plugin: ising_dual, ...}");
        if (context.space != "physical")
          throw std::invalid_argument(
              "swendsen_wang moves the physical configuration x; use space: physical (got " +
              std::string(context.space.empty() ? "none" : context.space) + ")");
        return std::make_unique<SwendsenWang>(target->L(), target->beta(), target->offset());
      });
}

}  // namespace ising_dual
