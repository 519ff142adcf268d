// What a run leaves for other tools: run.json (one session per invocation, how it ended),
// summary.json, the .npy series, config.yaml in block style; and `neuralrg compare` on runs.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "support/cli.hpp"
#include "util/csv.hpp"
#include "util/json.hpp"

using namespace neuralrg;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

const char* kRun = R"(name: out
seed: 4
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [6]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 32, epochs: 6, checkpoint_every: 0}
  - sample: {space: latent, sampler: {plugin: hmc, step_size: 0.2, leapfrog: 3}, chains: 8, warmup: 2, sweeps: 6}
)";

Json json_file(const fs::path& file) {
  return Json::parse(read_text(file));
}

}  // namespace

TEST_CASE("run.json records each session, summary.json and the series match the CSV tables") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kRun);
  const fs::path run = tmp.path / "run";
  REQUIRE(run_cli("run " + pipeline.string() + " --threads 1 --set seed=5 --out " + run.string())
              .status == 0);
  Json record = json_file(run / "run.json");
  CHECK(record["config"]["seed"] == 5);
  CHECK(record["config"]["target"]["L"] == 4);
  REQUIRE(record["sessions"].size() == 1);
  const Json& session = record["sessions"][0];
  CHECK(session["status"] == "completed");
  CHECK(session["threads"] == 1);
  CHECK(session["overrides"] == Json::array({"seed=5"}));
  CHECK(session["command"][1] == "run");
  CHECK(session["finished"].is_string());

  const Json summary = json_file(run / "summary.json");
  const CsvTable metrics = read_csv(run / "metrics.csv");
  CHECK(summary["training"][0]["epochs"] == metrics.rows.size());
  CHECK(summary["parameters"].get<long long>() > 0);
  const CsvTable observables = read_csv(run / "observables.csv");
  const Json& stage = summary["sampling"][0];
  CHECK(stage["stage"] == 1);
  const auto mean = observables.numbers("mean");
  CHECK(stage["observables"][observables.rows[0][*observables.column("observable")]]["mean"] ==
        doctest::Approx(mean[0]).epsilon(1e-12));
  CHECK(fs::file_size(run / "series/stage1/structure_factor.npy") == 128 + 6 * sizeof(double));
  CHECK(fs::exists(run / "series/stage1/structure_factor.groups.npy"));
  // Block style: each stage on its own lines, short lists of numbers inline.
  const std::string config = read_text(run / "config.yaml");
  CHECK(config.find("stages:\n  - train:\n") != std::string::npos);
  CHECK(config.find("hidden: [6]") != std::string::npos);

  // A resume adds a session; the first keeps its record. A session left "running" was killed
  // before it could record its end (simulated here): the next session marks it aborted.
  record["sessions"][0]["status"] = "running";
  std::ofstream(run / "run.json") << json_text(record);
  REQUIRE(run_cli("run --resume " + run.string()).status == 0);
  record = json_file(run / "run.json");
  REQUIRE(record["sessions"].size() == 2);
  CHECK(record["sessions"][0]["overrides"] == Json::array({"seed=5"}));
  CHECK(record["sessions"][0]["status"] == "aborted");
  CHECK(record["sessions"][1]["status"] == "completed");
}

TEST_CASE("compare: runs differing only in seed are one variant with an error bar") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kRun);
  // The run named "mera" is configured otherwise (β = 0.4): it must not join the mera repeats.
  const std::vector<std::pair<const char*, const char*>> runs = {
      {"mera-seed1", "flow.layout=mera --set seed=1"},
      {"mera-seed2", "flow.layout=mera --set seed=2"},
      {"tree", "flow.layout=tree"},
      {"mera", "flow.layout=mera --set target.beta=0.4"}};
  for (const auto& [name, sets] : runs)
    REQUIRE(run_cli("run " + pipeline.string() + " --threads 1 --set " + sets + " --out " +
                    (tmp.path / name).string())
                .status == 0);
  const auto r =
      run_cli("compare " + (tmp.path / "mera-seed1").string() + " " +
              (tmp.path / "mera-seed2").string() + " " + (tmp.path / "tree").string() + "/ " +
              (tmp.path / "mera").string() + " --out " + (tmp.path / "cmp").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  const CsvTable table = read_csv(tmp.path / "cmp/comparison.csv");
  REQUIRE(table.rows.size() == 3);
  CHECK(table.rows[0][0] == "mera");
  CHECK(table.rows[2][0] == "mera#2");
  CHECK(table.numbers("runs") == std::vector<double>{2, 1, 1});
  CHECK(std::isfinite(table.numbers("final_relative_error_stderr")[0]));
  CHECK(read_csv(tmp.path / "cmp/comparison-runs.csv").rows.size() == 4);
  CHECK(read_text(tmp.path / "cmp/comparison.html").find("against wall-clock") !=
        std::string::npos);
  // A directory that is not a run is refused by name.
  const auto bad = run_cli("compare " + tmp.path.string() + " --out " + (tmp.path / "c2").string());
  CHECK(bad.status != 0);
  CHECK(bad.err.find("not a run directory") != std::string::npos);
}

TEST_CASE("observable names that would clash as series files are refused before a run") {
  TempDir tmp;
  const auto check = [&](const std::string& names) {
    const auto pipeline =
        tmp.write("obs.yaml",
                  "name: obs\ntarget: {plugin: fixture_nan, healthy_calls: 1000000, "
                  "observables: \"" +
                      names + "\"}\nstages:\n  - sample: {sampler: {plugin: hmc}, chains: 4}\n");
    return run_cli("validate " + pipeline.string() + " --plugin-path " + NEURALRG_TEST_PLUGIN_DIR +
                   "/nan_target");
  };
  CHECK(check("m,e").status == 0);
  // Not a structured binding: clang 14 cannot capture one in INFO's lambda.
  for (const auto& names_and_why :
       std::vector<std::pair<std::string, std::string>>{{"m,m", "is declared twice"},
                                                        {"m,m.groups", "ends in .groups"},
                                                        {"a/b", "cannot name its series file"}}) {
    const std::string& names = names_and_why.first;
    const std::string& why = names_and_why.second;
    const auto r = check(names);
    INFO(names, ": ", r.err);
    CHECK(r.status != 0);
    CHECK(r.err.find(why) != std::string::npos);
  }
}

TEST_CASE("a sample stage shows progress: in a log, one line per ~10 s and one at the end") {
  TempDir tmp;
  const auto r = run_cli("run " + tmp.write("p.yaml", kRun).string() + " --threads 1 --out " +
                         (tmp.path / "run").string());
  REQUIRE(r.status == 0);
  // stderr is a pipe here, as in a log: no carriage-return redraws, and a run of a few seconds
  // gets only the closing line, not one per sweep.
  CHECK(r.err.find('\r') == std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = r.err.find("sample1 "); at != std::string::npos;
       at = r.err.find("sample1 ", at + 1))
    ++lines;
  CHECK(lines == 1);
  CHECK(r.err.find("sample1 done: 8 sweeps, acceptance ") != std::string::npos);
}
