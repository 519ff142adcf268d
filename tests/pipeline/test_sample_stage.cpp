// The sample stage through the CLI: where its chains start (`init:`), and what it says when they
// disagree, which depends on how the sampler moves: a local sampler's chains still remember their
// start, an independence sampler's stick where the flow misses part of π.
#include <doctest/doctest.h>

#include "support/cli.hpp"
#include "util/csv.hpp"

using neuralrg::read_csv;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;

namespace {

// A 6-epoch flow and a 2 + 6 sweep stage: the chains disagree (R̂ well above 1.05 at this seed)
// for both samplers.
std::string run_with_sampler(const std::string& sampler) {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", R"(name: advice
seed: 4
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [6]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 32, epochs: 6, checkpoint_every: 0}
  - sample: {space: latent, sampler: )" + sampler +
                                                R"(, chains: 8, warmup: 2, sweeps: 6}
)");
  const auto r =
      run_cli("run " + pipeline.string() + " --threads 1 --out " + (tmp.path / "run").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

}  // namespace

TEST_CASE("chains that disagree: local samplers are told to raise the warm-up") {
  const std::string out = run_with_sampler("{plugin: hmc, step_size: 0.2, leapfrog: 3}");
  INFO(out);
  REQUIRE(out.find("warning: R̂ of structure_factor") != std::string::npos);
  CHECK(out.find("raise warmup") != std::string::npos);
  CHECK(out.find("train the flow longer") == std::string::npos);
}

TEST_CASE("chains that disagree: independence samplers are told the flow misses part of π") {
  const std::string out = run_with_sampler("{plugin: metropolis, mode: independence}");
  INFO(out);
  REQUIRE(out.find("warning: R̂ of") != std::string::npos);
  CHECK(out.find("train the flow longer or mix its proposals with local moves") !=
        std::string::npos);
  CHECK(out.find("raise warmup") == std::string::npos);
}

TEST_CASE("init: zero starts every chain at x = 0, prior and flow at random configurations") {
  // Random-walk steps of 1e-9 leave the chains where they start. At x = 0 the structure factor's
  // improved estimator is exactly 1/N (tanh 0 = 0 decouples the spins) in every chain, so its
  // error bar is 0; random starts give different values and an error bar above 0.
  for (const std::string init : {"zero", "prior", "flow"}) {
    INFO(init);
    TempDir tmp;
    const auto pipeline =
        tmp.write("p.yaml",
                  "name: start\nseed: 2\ntarget: {plugin: ising_dual, L: 4, beta: 0.4}\n"
                  "stages:\n  - sample: {space: physical, init: " +
                      init +
                      ", sampler: {plugin: metropolis, mode: random_walk, step_size: 1e-9}, "
                      "chains: 8, warmup: 0, sweeps: 4}\n");
    const auto r =
        run_cli("run " + pipeline.string() + " --threads 1 --out " + (tmp.path / "run").string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto table = read_csv(tmp.path / "run/observables.csv");
    REQUIRE(table.rows.at(0).at(*table.column("observable")) == "structure_factor");
    const double mean = table.numbers("mean")[0], error = table.numbers("stderr")[0];
    if (init == "zero") {
      CHECK(mean == doctest::Approx(1.0 / 16).epsilon(1e-6));
      CHECK(error == 0);
    } else {
      CHECK(error > 1e-3);
    }
  }
}
