// Variants: each runs as its own process; concurrent runs give the same numbers as a run on its
// own; the comparison lists every variant; an interrupted comparison resumes.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "support/cli.hpp"
#include "util/csv.hpp"

using namespace neuralrg;
using neuralrg::test::metrics_without_seconds;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

const char* kBase = R"(name: cmp
seed: 4
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [6]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 32, chunk: 16, epochs: 12, checkpoint_every: 0}
  - sample: {space: latent, sampler: {plugin: hmc, step_size: 0.2, leapfrog: 3}, chains: 8, warmup: 2, sweeps: 5}
)";

}  // namespace

TEST_CASE("variants run concurrently, match standalone runs, and are compared") {
  TempDir tmp;
  const std::string with_variants =
      std::string(kBase) +
      "variants:\n  - {name: mera, set: {flow.layout: mera}}\n"
      "  - {name: tree, set: {flow.layout: tree, flow.block.hidden: [4]}}\n";
  const auto pipeline = tmp.write("v.yaml", with_variants);
  const auto r = run_cli("run " + pipeline.string() + " --out " + (tmp.path / "cmp").string() +
                         " --jobs 2 --threads 1");
  INFO(r.out);
  INFO(r.err);
  REQUIRE(r.status == 0);
  const CsvTable table = read_csv(tmp.path / "cmp/comparison.csv");
  REQUIRE(table.rows.size() == 2);
  CHECK(table.rows[0][0] == "mera");
  CHECK(table.rows[1][0] == "tree");
  CHECK(table.numbers("completed") == std::vector<double>{1, 1});
  const CsvTable runs = read_csv(tmp.path / "cmp/comparison-runs.csv");
  REQUIRE(runs.rows.size() == 2);
  CHECK(runs.rows[1][*runs.column("status")] == "completed");
  CHECK(runs.column("stage1_acceptance"));
  // Parameter counts: mera has 4 layers of blocks at L = 4, the tree 2 (hidden 4 instead of 6).
  const auto parameters = table.numbers("parameters");
  CHECK(parameters[0] > parameters[1]);
  CHECK(fs::exists(tmp.path / "cmp/comparison.html"));
  // A variant's log keeps the run's own lines in order with its progress lines.
  const std::string log = neuralrg::test::read_text(tmp.path / "cmp/variants/mera.log");
  REQUIRE(log.find("run directory:") != std::string::npos);
  REQUIRE(log.find("train done") != std::string::npos);
  CHECK(log.find("run directory:") < log.find("train done"));

  // The same variant on its own, with two threads: identical training numbers.
  std::string tree = kBase;
  const std::string flow = "flow: {block: {plugin: realnvp, couplings: 2, hidden: [6]}}";
  tree.replace(tree.find(flow), flow.size(),
               "flow: {layout: tree, block: {plugin: realnvp, couplings: 2, hidden: [4]}}");
  const auto alone = tmp.write("tree.yaml", tree);
  REQUIRE(
      run_cli("run " + alone.string() + " --out " + (tmp.path / "alone").string() + " --threads 2")
          .status == 0);
  CHECK(metrics_without_seconds(tmp.path / "alone") ==
        metrics_without_seconds(tmp.path / "cmp/variants/tree"));

  // An interrupted comparison: one variant never ran. Resuming runs only that one.
  fs::remove_all(tmp.path / "cmp/variants/tree");
  fs::remove(tmp.path / "cmp/comparison.csv");
  const auto resumed = run_cli("run --resume " + (tmp.path / "cmp").string());
  INFO(resumed.err);
  CHECK(resumed.status == 0);
  CHECK(resumed.out.find("variant mera: already completed") != std::string::npos);
  CHECK(resumed.out.find("variant tree: done") != std::string::npos);
  CHECK(read_csv(tmp.path / "cmp/comparison.csv").rows.size() == 2);
}

TEST_CASE("a variant whose model cannot be built is refused before the run directory exists") {
  TempDir tmp;
  const auto pipeline = tmp.write("bad.yaml", std::string(kBase) +
                                                  "variants:\n  - {name: fine, set: {}}\n"
                                                  "  - {name: odd, set: {target.L: 6}}\n");
  const auto r = run_cli("run " + pipeline.string() + " --out " + (tmp.path / "cmp").string());
  CHECK(r.status == 2);
  INFO(r.err);
  CHECK(r.err.find("power of two") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path / "cmp"));
}
