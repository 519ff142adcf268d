// Samplers combined into one chain (the sample stage's list of samplers): which samplers act in
// which sweep, that each adapts on its own acceptance, that an independence sampler always sees
// the proposal density of the state it starts from, and that a combined chain is still exact.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "sampling/chain_runner.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

namespace {

// One standard normal variable, proposals from N(0, 2²).
class StandardNormalSpace final : public ChainSpace {
 public:
  std::string_view name() const override { return "physical"; }
  Index dim() const override { return 1; }
  void energy(const Matrix& q, Matrix& e, Matrix* grad) const override {
    e = (0.5 * q.array().square()).matrix();
    if (grad) *grad = q;
  }
  void to_physical(const Matrix& q, Matrix& x) const override { x = q; }
  void from_physical(const Matrix& x, Matrix& q) const override { q = x; }
  void propose(Rng& rng, Matrix& q, Matrix& log_q) const override {
    rng.fill_normal(q);
    q *= 2;
    proposal_log_density(q, log_q);
  }
  void proposal_log_density(const Matrix& q, Matrix& log_q) const override {
    log_q = (-0.125 * q.array().square() - std::log(2 * std::sqrt(2 * std::numbers::pi))).matrix();
  }
};

// Measures x and x².
class NormalMoments final : public Target {
 public:
  std::vector<Index> lattice() const override { return {1}; }
  Var do_energy(Var x) const override { return x; }
  std::vector<Observable> observables() const override { return {{"x", "", {}}, {"xx", "", {}}}; }
  void do_measure(const Matrix& x, Rng&, Matrix& out) const override {
    out.resize(x.rows(), 2);
    out.col(0) = x.col(0);
    out.col(1) = x.col(0).array().square().matrix();
  }
};

// Moves every chain by a fixed shift (not π-invariant: it tests bookkeeping only), accepting
// `accept` of them; records the acceptances the host reports back.
class Shift final : public Sampler {
 public:
  explicit Shift(double accept) : accept_(accept) {}
  void end_sweep(double acceptance, bool) override { reported.push_back(acceptance); }
  std::vector<double> reported;

 private:
  void do_sweep(const SamplingSpace& space, ChainChunk& c, Rng&) const override {
    c.state.array() += 0.25;
    space.energy(c.state, c.energy, nullptr);
    for (Index r = 0; r < c.accepted.rows(); ++r) c.accepted(r, 0) = r % 2 == 0 ? accept_ : 0;
  }
  double accept_;
};

// An independence sampler that checks, on entry, that the chunk's proposal density is that of
// its state; it never moves the chains.
class CheckDensity final : public Sampler {
 public:
  MoveKind move_kind() const override { return MoveKind::independence; }
  mutable std::atomic<int> stale{0}, checked{0};

 private:
  void do_sweep(const SamplingSpace&, ChainChunk& c, Rng&) const override {
    Matrix expected;
    StandardNormalSpace().proposal_log_density(c.state, expected);
    ++checked;
    if (!c.log_proposal.isApprox(expected)) ++stale;
    c.accepted.setZero();
  }
};

std::shared_ptr<Sampler> borrowed(Sampler& s) {
  return std::shared_ptr<Sampler>(&s, [](Sampler*) {});
}

ChainOptions short_run(long long sweeps) {
  ChainOptions o;
  o.chains = 16;
  o.chunk = 4;
  o.warmup = 0;
  o.sweeps = sweeps;
  o.seed = 3;
  return o;
}

}  // namespace

TEST_CASE("a cycle runs each sampler on the sweeps its `every` divides, in list order") {
  Shift a(1), b(1);
  std::vector<ScheduledSampler> list;
  list.push_back({borrowed(a), "a", 1, 1});
  list.push_back({borrowed(b), "b", 3, 1});
  const SamplerSchedule cycle(std::move(list), Combination::cycle);
  CHECK(cycle.acting(0, 1, "s") == std::vector<std::size_t>{0, 1});
  CHECK(cycle.acting(1, 1, "s") == std::vector<std::size_t>{0});
  CHECK(cycle.acting(2, 1, "s") == std::vector<std::size_t>{0});
  CHECK(cycle.acting(3, 1, "s") == std::vector<std::size_t>{0, 1});
  std::vector<ScheduledSampler> idle;
  idle.push_back({borrowed(a), "a", 2, 1});
  idle.push_back({borrowed(b), "b", 3, 1});
  CHECK_THROWS_WITH_AS(SamplerSchedule(std::move(idle), Combination::cycle),
                       doctest::Contains("some sampler must act every sweep"),
                       std::invalid_argument);
}

TEST_CASE("a mixture draws one sampler per sweep with probability ∝ weight") {
  Shift a(1), b(1);
  std::vector<ScheduledSampler> list;
  list.push_back({borrowed(a), "a", 1, 3});
  list.push_back({borrowed(b), "b", 1, 1});
  const SamplerSchedule mixture(std::move(list), Combination::mixture);
  const int sweeps = 4000;
  int first = 0;
  for (long long s = 0; s < sweeps; ++s) {
    const auto acting = mixture.acting(s, 7, "sample1");
    REQUIRE(acting.size() == 1);
    first += acting[0] == 0;
  }
  // Binomial(4000, 3/4): standard deviation 27.4.
  CHECK(std::abs(first - 0.75 * sweeps) < 4 * std::sqrt(sweeps * 0.75 * 0.25));
}

TEST_CASE("each sampler of a cycle adapts on its own acceptance; the result reports each") {
  const StandardNormalSpace space;
  const NormalMoments target;
  Shift always(1), never(0);
  std::vector<ScheduledSampler> list;
  list.push_back({borrowed(always), "always", 1, 1});
  list.push_back({borrowed(never), "never", 2, 1});
  const SamplerSchedule cycle(std::move(list), Combination::cycle);
  const ChainResult r = run_chains(space, cycle, target, short_run(10));
  // Half the chains (even rows of each chunk) accept in `always`, none in `never`.
  CHECK(always.reported == std::vector<double>(10, 0.5));
  CHECK(never.reported == std::vector<double>(5, 0.0));
  REQUIRE(r.samplers.size() == 2);
  CHECK(r.samplers[0].name == "always");
  CHECK(r.samplers[0].sweeps == 10);
  CHECK(r.samplers[0].acceptance == doctest::Approx(0.5));
  CHECK(r.samplers[1].sweeps == 5);
  CHECK(r.samplers[1].acceptance == 0);
  CHECK(r.acceptance == doctest::Approx(5.0 / 15));
}

TEST_CASE("an independence sampler after a local one sees the proposal density of the new state") {
  const StandardNormalSpace space;
  const NormalMoments target;
  Shift local(1);
  CheckDensity independence;
  std::vector<ScheduledSampler> list;
  list.push_back({borrowed(local), "shift", 1, 1});
  list.push_back({borrowed(independence), "check", 1, 1});
  run_chains(space, SamplerSchedule(std::move(list), Combination::cycle), target, short_run(6));
  CHECK(independence.checked == 6 * 4);  // every sweep, every chunk
  CHECK(independence.stale == 0);
}

TEST_CASE("HMC mixed with independence proposals leaves N(0, 1) invariant; cycle and mixture") {
  const StandardNormalSpace space;
  const NormalMoments target;
  for (const Combination how : {Combination::cycle, Combination::mixture}) {
    CAPTURE(static_cast<int>(how));
    std::vector<ScheduledSampler> list;
    list.push_back({test::make_sampler("{plugin: hmc, step_size: 0.5, leapfrog: 3}"), "hmc", 1, 2});
    list.push_back(
        {test::make_sampler("{plugin: metropolis, mode: independence}"), "metropolis", 3, 1});
    ChainOptions o = short_run(2000);
    o.chains = 32;
    o.warmup = 50;
    const ChainResult r = run_chains(space, SamplerSchedule(std::move(list), how), target, o);
    CHECK(r.samplers[1].acceptance > 0.3);  // the independence moves do happen
    const auto& x = r.observables[0].estimate;
    const auto& xx = r.observables[1].estimate;
    CHECK(std::abs(x.mean) < 4 * x.stderr_);
    CHECK(std::abs(xx.mean - 1) < 4 * xx.stderr_);
    CHECK(xx.stderr_ < 0.03);  // the check has teeth
  }
}
