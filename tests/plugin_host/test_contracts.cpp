// A plugin that breaks the SDK's contract in a way the compiler cannot see is stopped at the
// first call, with a message naming the plugin, the method and what was expected (fixtures in
// fixtures/contract_violations_plugin.cpp).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "support/cli.hpp"

using namespace neuralrg;
using neuralrg::test::contains;

namespace {

test::CliResult run_with(const std::string& target, const std::string& block,
                         const std::string& stages) {
  test::TempDir tmp;
  const std::string yaml =
      fmt::format("name: c\ntarget: {}\nflow: {{block: {}}}\nstages:\n{}", target, block, stages);
  return test::run_cli(fmt::format("run {} --out {} --plugin-path {}/contracts",
                                   tmp.write("p.yaml", yaml).string(), (tmp.path / "run").string(),
                                   NEURALRG_TEST_PLUGIN_DIR));
}

const std::string kTrain =
    "  - train: {optimizer: {plugin: adam}, epochs: 2, batch: 16, checkpoint_every: 0}\n";
const std::string kSample =
    "  - sample: {space: physical, sampler: {plugin: metropolis, mode: random_walk}, chains: 8, "
    "warmup: 1, sweeps: 2}\n";
const std::string kBlock = "{plugin: realnvp, couplings: 2, hidden: [4]}";

}  // namespace

TEST_CASE("an energy per site instead of per sample is refused, not broadcast into the loss") {
  const auto r = run_with("{plugin: fixture_energy_per_site}", kBlock, kTrain);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "target 'fixture_energy_per_site' energy: returned energies of "));
  CHECK(contains(r.err, "×16; expected "));
}

TEST_CASE("a measure() that leaves a declared column unfilled is refused, naming the column") {
  const auto r = run_with("{plugin: fixture_short_measure}", kBlock, kSample);
  CHECK(r.status == 1);
  CHECK(contains(r.err,
                 "target 'fixture_short_measure' measure: observable 'second' (column 1 "
                 "of 2) is nan"));
}

TEST_CASE("an exception from plugin code names the plugin and the method") {
  const auto r = run_with("{plugin: fixture_throwing}", kBlock, kTrain);
  CHECK(r.status == 1);
  CHECK(contains(r.err,
                 "error: stage 0 (train), epoch 0: target 'fixture_throwing' energy: no "
                 "energy today"));
}

TEST_CASE("a block whose log-det is not one column is refused by the bijector base class") {
  const auto r =
      run_with("{plugin: ising_dual, L: 4, beta: 0.4}", "{plugin: fixture_wide_log_det}", kTrain);
  CHECK(r.status == 1);
  CHECK(contains(r.err, "bijector 'fixture_wide_log_det' "));
  CHECK(contains(r.err, "returned a log-det of "));
  CHECK(contains(r.err, "×4; expected "));
}
