// The comparison of a variants run answers "which sampler gives the most independent samples per
// second, counting the training": efficiency.csv and the comparison page's section, per run and
// sample stage, against the lattice size run.json records.
#include <doctest/doctest.h>

#include "support/cli.hpp"
#include "util/csv.hpp"

using neuralrg::read_csv;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;

TEST_CASE("a comparison across lattice sizes reports each sampler's ESS/s and time to 10^4") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", R"(name: efficiency
seed: 5
target: {plugin: ising_dual, L: 4, beta: 0.4}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [4]}}
variants:
  - {name: small, set: {target.L: 4}}
  - {name: large, set: {target.L: 8}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 16, epochs: 3, checkpoint_every: 0}
  - sample: {space: physical, sampler: {plugin: swendsen_wang}, chains: 8, warmup: 2, sweeps: 20}
  - sample: {space: physical, sampler: [{plugin: hmc, leapfrog: 2}, {plugin: metropolis, mode: independence}], chains: 8, warmup: 2, sweeps: 20}
)");
  const auto r = run_cli("run " + pipeline.string() + " --threads 1 --jobs 1 --out " +
                         (tmp.path / "run").string());
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  const auto t = read_csv(tmp.path / "run/efficiency.csv");
  REQUIRE(t.rows.size() == 4);  // 2 runs × 2 sample stages
  CHECK(t.numbers("sites") == std::vector<double>{16, 16, 64, 64});
  CHECK(t.numbers("uses_flow") == std::vector<double>{0, 1, 0, 1});  // flow proposals in stage 2
  const auto ess = t.numbers("ess_per_second"), training = t.numbers("training_seconds"),
             goal = t.numbers("seconds_to_1e4"), uses = t.numbers("uses_flow");
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(i);
    CHECK(ess[i] > 0);
    CHECK(training[i] > 0);  // the run trained, whether or not the sampler uses the flow
    CHECK(goal[i] == doctest::Approx(uses[i] * training[i] + 1e4 / ess[i]).epsilon(1e-4));
  }
  const std::string html = neuralrg::test::read_text(tmp.path / "run/comparison.html");
  CHECK(html.find("<h2>Sampler efficiency</h2>") != std::string::npos);
  CHECK(html.find("Time to 10⁴ effective samples") != std::string::npos);
  CHECK(html.find("stage 2: hmc+metropolis (physical)") != std::string::npos);
}
