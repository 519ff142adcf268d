// Chains that start elsewhere than at flow samples (the sample stage's `init:`): each space maps
// a configuration to its state and back, knows the proposal density of any state (an
// independence move from a hot or cold start needs it), and run_chains starts from the
// configurations it is given, in either space.
#include <doctest/doctest.h>

#include "sampling/chain_runner.hpp"
#include "sampling/sampling_spaces.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

namespace {

// Leaves every chain where it is, so the final states are the starting ones.
class Stay final : public Sampler {
  void do_sweep(const SamplingSpace&, ChainChunk& c, Rng&) const override { c.accepted.setZero(); }
};

struct Model {
  std::unique_ptr<Target> target;
  std::unique_ptr<Flow> flow;
};

// A Real NVP flow with every weight random (a fresh one is the identity: its output layers start
// at zero), so the round trip through g and g⁻¹ is not trivial.
Model model() {
  auto [entry, params] = test::resolve(PluginKind::Target, "{plugin: ising_dual, L: 4, beta: 0.4}");
  Model m;
  m.target = std::get<TargetFactory>(entry->factory)(params, TargetContext{});
  m.flow = test::make_flow({4, 4},
                           "{symmetrize: z2, block: {plugin: realnvp, couplings: 2, hidden: [6]}}");
  Rng rng = Rng::stream(9, "weights", 0, 0);
  for (Parameter* p : m.flow->parameters()) {
    rng.fill_normal(p->value);
    p->value *= Scalar(0.3);
  }
  return m;
}

void check_space(const ChainSpace& space) {
  Rng rng = Rng::stream(5, "test", 0, 0);
  Matrix q(6, space.dim()), log_q, again, x, back;
  space.propose(rng, q, log_q);
  space.proposal_log_density(q, again);
  CHECK((again - log_q).cwiseAbs().maxCoeff() < 1e-4);
  space.to_physical(q, x);
  if (space.name() == "latent") CHECK((x - q).cwiseAbs().maxCoeff() > 0.05);  // g is not 1
  space.from_physical(x, back);
  CHECK((back - q).cwiseAbs().maxCoeff() < 1e-4);
}

}  // namespace

TEST_CASE("both spaces: proposal density of a proposed state as proposed, x ↔ state round trip") {
  const Model m = model();
  INFO("latent");
  check_space(LatentSpace(*m.flow, *m.target));
  INFO("physical");
  check_space(PhysicalSpace(*m.flow, *m.target));
}

TEST_CASE("run_chains starts every chain at the configuration it is given, in either space") {
  const Model m = model();
  const LatentSpace latent(*m.flow, *m.target);
  const PhysicalSpace physical(*m.flow, *m.target);
  for (const ChainSpace* space :
       {static_cast<const ChainSpace*>(&latent), static_cast<const ChainSpace*>(&physical)}) {
    INFO(space->name());
    ChainOptions o;
    o.chains = 10;
    o.chunk = 4;
    o.warmup = 0;
    o.sweeps = 1;
    o.start = [](Rng& rng, Index, Matrix& x) {
      for (Index r = 0; r < x.rows(); ++r) x.row(r).setConstant(Scalar(rng.uniform() - 0.5));
    };
    Stay stay;
    const ChainResult r = run_chains(*space, stay, *m.target, o);
    REQUIRE(r.final_x.rows() == 10);
    for (Index c = 0; c < 10; ++c) {
      const Scalar first = r.final_x(c, 0);
      CHECK(std::abs(first) <= 0.5);
      CHECK((r.final_x.row(c).array() - first).abs().maxCoeff() < 1e-4);
    }
  }
}
