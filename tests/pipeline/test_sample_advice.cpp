// What a sample stage says when its chains disagree depends on how the sampler moves: a local
// sampler's chains still remember their start, an independence sampler's stick where the flow
// misses part of π. The flow here is trained for 6 epochs and the stage is 2 + 6 sweeps, so the
// chains disagree (R̂ well above 1.05 at this seed) for both samplers.
#include <doctest/doctest.h>

#include "support/cli.hpp"

using neuralrg::test::run_cli;
using neuralrg::test::TempDir;

namespace {

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
