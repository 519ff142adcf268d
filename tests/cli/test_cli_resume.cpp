// Resuming with changes: --set applies to the run's own configuration (or is refused), --out is
// refused, an accepted change is written back to config.yaml, and fewer epochs than already
// trained are refused naming both numbers.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/cli.hpp"

using neuralrg::test::contains;
using neuralrg::test::metrics_without_seconds;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kPipeline = R"(name: tiny
seed: 7
target: {plugin: ising_dual, L: 4, beta: 0.3}
flow: {layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [4]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 16, chunk: 8, epochs: 4,
            checkpoint_every: 2}
)";

std::string with_epochs(int epochs) {
  std::string yaml = kPipeline;
  yaml.replace(yaml.find("epochs: 4"), 9, "epochs: " + std::to_string(epochs));
  return yaml;
}

}  // namespace

TEST_CASE("--out with --resume is refused, and the run is left as it was") {
  TempDir tmp;
  const fs::path run = tmp.path / "run";
  REQUIRE(
      run_cli("run " + tmp.write("p.yaml", kPipeline).string() + " --out " + run.string()).status ==
      0);
  const auto r =
      run_cli("run --resume " + run.string() + " --out " + (tmp.path / "other").string());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--out cannot be combined with --resume"));
  CHECK_FALSE(fs::exists(tmp.path / "other"));
}

TEST_CASE(
    "--set with --resume changes the run's own config: refused without "
    "--allow-config-change, applied and written to config.yaml with it") {
  TempDir tmp;
  const fs::path run = tmp.path / "run";
  REQUIRE(
      run_cli("run " + tmp.write("p.yaml", kPipeline).string() + " --out " + run.string()).status ==
      0);
  const auto refused = run_cli("run --resume " + run.string() + " --set stages.0.train.epochs=6");
  CHECK(refused.status == 1);
  CHECK(contains(refused.err, "stages[0].train.epochs: was 4, now 6"));
  CHECK(contains(refused.err, "--allow-config-change"));
  CHECK(contains(read_text(run / "config.yaml"), "epochs: 4"));

  const auto extended = run_cli("run --resume " + run.string() +
                                " --set stages.0.train.epochs=6 --allow-config-change");
  INFO(extended.err);
  REQUIRE(extended.status == 0);
  CHECK(contains(extended.out, "epoch 4 of 6"));
  CHECK(contains(read_text(run / "config.yaml"), "epochs: 6"));
  // The extended run is the run that asked for 6 epochs from the start, row for row.
  REQUIRE(run_cli("run " + tmp.write("p6.yaml", with_epochs(6)).string() + " --out " +
                  (tmp.path / "six").string())
              .status == 0);
  CHECK(metrics_without_seconds(run) == metrics_without_seconds(tmp.path / "six"));

  // A later plain resume continues with the stored change: nothing is left to do.
  const auto again = run_cli("run --resume " + run.string());
  CHECK(again.status == 0);
  CHECK(contains(again.out, "stage 0 (train): already completed"));
  CHECK(metrics_without_seconds(run).size() == 7);  // header and 6 epochs
}

TEST_CASE(
    "asking a resumed run for fewer epochs than it has trained is refused with both numbers") {
  TempDir tmp;
  const fs::path run = tmp.path / "run";
  REQUIRE(
      run_cli("run " + tmp.write("p.yaml", kPipeline).string() + " --out " + run.string()).status ==
      0);
  for (const std::string& how : {std::string("--set stages.0.train.epochs=2"),
                                 tmp.write("p2.yaml", with_epochs(2)).string()}) {
    CAPTURE(how);
    const auto r = run_cli("run " + how + " --resume " + run.string() + " --allow-config-change");
    CHECK(r.status == 2);
    CHECK(contains(r.err, "stages[0].train.epochs: 2 epochs is fewer than the 4 that"));
    CHECK(contains(read_text(run / "config.yaml"), "epochs: 4"));
  }
}

TEST_CASE(
    "a damaged metrics row is not read back as a number: the resume falls back to the "
    "checkpoint before it") {
  TempDir tmp;
  const fs::path run = tmp.path / "run";
  REQUIRE(
      run_cli("run " + tmp.write("p.yaml", kPipeline).string() + " --out " + run.string()).status ==
      0);
  std::string metrics = read_text(run / "metrics.csv");
  // Epoch 3's elapsed seconds (its last cell) are what a resume from epoch 4 reads back.
  const std::size_t row3_end = metrics.find('\n', metrics.find("\n3,") + 1);
  const std::size_t seconds = metrics.rfind(',', row3_end) + 1;
  metrics.replace(seconds, row3_end - seconds, "abc");
  std::ofstream(run / "metrics.csv") << metrics;
  const auto r = run_cli("run --resume " + run.string() +
                         " --set stages.0.train.epochs=6 --allow-config-change");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK_FALSE(contains(r.err, "stod"));
  CHECK(contains(r.out, "epoch 2 of 6"));
  REQUIRE(run_cli("run " + tmp.write("p6.yaml", with_epochs(6)).string() + " --out " +
                  (tmp.path / "six").string())
              .status == 0);
  CHECK(metrics_without_seconds(run) == metrics_without_seconds(tmp.path / "six"));
}

TEST_CASE(
    "a resume whose finished train stage lost flow.ckpt stops instead of sampling an "
    "untrained flow") {
  TempDir tmp;
  const std::string pipeline = kPipeline +
                               "  - sample: {space: physical, sampler: {plugin: metropolis}, "
                               "chains: 4, warmup: 1, sweeps: 2}\n";
  const fs::path run = tmp.path / "run";
  REQUIRE(
      run_cli("run " + tmp.write("p.yaml", pipeline).string() + " --out " + run.string()).status ==
      0);
  fs::remove(run / "flow.ckpt");
  std::ofstream(run / "stages.done") << "0\n";  // the sample stage is to run again
  const auto resumed = run_cli("run --resume " + run.string());
  CHECK(resumed.status != 0);
  CHECK(contains(resumed.err, "flow.ckpt: missing, though stage 0 (train) is marked completed"));
}
