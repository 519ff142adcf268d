// Inputs that used to escape validation or mislead: names that leave runs/, a trailing slash on
// --out, checks only `run` made, flow_from runs with bad weights, and out-of-range β.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/checkpoint.hpp"
#include "support/cli.hpp"

using neuralrg::test::contains;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kInputsPipeline = R"(name: tiny
seed: 3
target: {plugin: ising_dual, L: 4, beta: 0.3}
flow: {layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [4]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 16, chunk: 8, epochs: 2}
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

}  // namespace

TEST_CASE(
    "a pipeline name that is not a plain directory name is refused, located, by validate "
    "and run") {
  TempDir tmp;
  for (const std::string name : {"../../escaped", "/tmp/absolute", "\"a\\nb\"", "..", "."}) {
    CAPTURE(name);
    const auto file = tmp.write("p.yaml", replaced(kInputsPipeline, "name: tiny", "name: " + name));
    const auto validated = run_cli("validate " + file.string());
    CHECK(validated.status == 2);
    CHECK(contains(validated.err, file.string() + ":1:7: name: "));
    CHECK(contains(validated.err, "cannot name a directory"));
    // Without --out the run directory would be runs/NAME-time, relative to the working directory.
    const auto ran = run_cli("run " + file.string(), "cd " + tmp.path.string() + " &&");
    CHECK(ran.status == 2);
    CHECK_FALSE(fs::exists(tmp.path / "runs"));
    CHECK_FALSE(fs::exists(tmp.path / "escaped"));
  }
  const auto variant = tmp.write(
      "v.yaml", kInputsPipeline + "variants:\n  - {name: ../up, set: {flow.layout: tree}}\n");
  const auto r = run_cli("validate " + variant.string());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "variants[0].name: \"../up\" cannot name a directory"));
}

TEST_CASE("--out with a trailing slash names the directory") {
  TempDir tmp;
  const auto r = run_cli("run " + tmp.write("p.yaml", kInputsPipeline).string() + " --out " +
                         (tmp.path / "run").string() + "/");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(fs::exists(tmp.path / "run" / "config.yaml"));
  CHECK(fs::exists(tmp.path / "run" / "flow.ckpt"));
}

TEST_CASE("validate refuses what run refuses before computing") {
  TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {replaced(kInputsPipeline, "L: 4", "L: 3"), "flow"},
      {replaced(kInputsPipeline, "L: 4", "L: 6"), "flow"},
      {replaced(kInputsPipeline, "layout: mera", "layout: mera, depth: 100"), "flow"},
      {replaced(kInputsPipeline, "beta: 0.3", "beta: 0.3, offset: 0"), "target.offset"},
  };
  for (const auto& yaml_key : cases) {
    // Not a structured binding: CAPTURE's lambda cannot capture one before Clang 16.
    const std::string& yaml = yaml_key.first;
    const std::string& key = yaml_key.second;
    CAPTURE(yaml);
    const auto file = tmp.write("p.yaml", yaml);
    const auto validated = run_cli("validate " + file.string());
    const auto ran = run_cli("run " + file.string() + " --out " + (tmp.path / "run").string());
    CHECK(validated.status == 2);
    CHECK(ran.status == 2);
    CHECK(contains(validated.err, key));
    CHECK(validated.err == ran.err);
    CHECK_FALSE(fs::exists(tmp.path / "run"));
  }
}

TEST_CASE("flow_from problems are refused before the run directory exists — NaN weights too") {
  TempDir tmp;
  const fs::path trained = tmp.path / "trained";
  REQUIRE(
      run_cli("run " + tmp.write("p.yaml", kInputsPipeline).string() + " --out " + trained.string())
          .status == 0);
  const std::string sample =
      replaced(kInputsPipeline,
               "- train: {optimizer: {plugin: adam, lr: 0.01}, batch: 16, chunk: 8, epochs: 2}",
               "- sample: {space: latent, sampler: {plugin: hmc}, chains: 4, warmup: 1, sweeps: "
               "2, flow_from: " +
                   trained.string() + "}");
  const auto file = tmp.write("s.yaml", sample);
  REQUIRE(run_cli("validate " + file.string()).status == 0);

  // The trained flow's weights become NaN, as a diverged run would have left them.
  neuralrg::Checkpoint poisoned = neuralrg::read_checkpoint(trained / "flow.ckpt");
  for (auto& tensor : poisoned.parameters)
    tensor.value.setConstant(std::numeric_limits<neuralrg::Scalar>::quiet_NaN());
  neuralrg::write_checkpoint(trained / "flow.ckpt", poisoned);
  for (const std::string& command :
       {"validate " + file.string(),
        "run " + file.string() + " --out " + (tmp.path / "run").string()}) {
    CAPTURE(command);
    const auto r = run_cli(command);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "stages[0].sample.flow_from: "));
    CHECK(contains(r.err, (trained / "flow.ckpt").string() + " holds non-finite weights"));
    CHECK_FALSE(fs::exists(tmp.path / "run"));
  }
}

TEST_CASE("exact results stay finite at large β, and β beyond their range is refused by name") {
  const auto cold = run_cli("exact ising --L 16 --beta 400 --json");
  CHECK(cold.status == 0);
  CHECK_FALSE(contains(cold.out, "nan"));
  // Two ground states of energy −2N: ln Z → 2βN + ln 2.
  CHECK(contains(cold.out, "\"log_z_ising\": 204800.69314718"));
  const auto huge = run_cli("exact ising --L 16 --beta 1e300");
  CHECK(huge.status == 2);
  CHECK(contains(huge.err, "beta must be in (0, 1e+06]"));
  TempDir tmp;
  const auto r =
      run_cli("validate " +
              tmp.write("p.yaml", replaced(kInputsPipeline, "beta: 0.3", "beta: 1e300")).string());
  CHECK(r.status == 2);
  CHECK(contains(r.err, "target.beta: expected a number in [0, "));
}

TEST_CASE("a sample stage whose R̂ is undefined says why") {
  TempDir tmp;
  const auto file = tmp.write(
      "p.yaml", replaced(kInputsPipeline,
                         "- train: {optimizer: {plugin: adam, lr: 0.01}, batch: 16, chunk: 8, "
                         "epochs: 2}",
                         "- sample: {space: physical, sampler: {plugin: hmc}, chains: 1, warmup: "
                         "1, sweeps: 8}"));
  const auto r = run_cli("run " + file.string() + " --out " + (tmp.path / "run").string());
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(contains(r.out,
                 "is undefined: it needs at least 2 chains and 4 measurements (this stage "
                 "has 1 chains and 8 measurements)"));
}

// AddressSanitizer aborts on an impossible allocation instead of throwing std::bad_alloc.
#ifndef __SANITIZE_ADDRESS__
TEST_CASE("running out of memory is reported as such, naming the sizes that need it") {
  TempDir tmp;
  const auto file =
      tmp.write("p.yaml", replaced(kInputsPipeline, "batch: 16", "batch: 100000000000"));
  const auto r = run_cli("run " + file.string() + " --out " + (tmp.path / "run").string());
  CHECK(r.status == 1);
  CHECK(contains(r.err, "error: out of memory: this pipeline's sizes (batch, chunk, chains"));
}
#endif

TEST_CASE("--out naming an existing file is refused and the file is left alone") {
  TempDir tmp;
  const auto file = tmp.write("notes.txt", "");
  const auto r =
      run_cli("run " + tmp.write("p.yaml", kInputsPipeline).string() + " --out " + file.string());
  CHECK(r.status != 0);
  CHECK(contains(r.err, "exists and is not a directory"));
  CHECK(std::filesystem::is_regular_file(file));
}

TEST_CASE("an unknown key created by --set is named in the message, at any depth") {
  TempDir tmp;
  const auto file = tmp.write("p.yaml", kInputsPipeline).string();
  for (const char* key : {"foo", "foo.bar", "foo.bar.baz"}) {
    CAPTURE(key);
    const auto r = run_cli(fmt::format("validate {} --set {}=1", file, key));
    CHECK(r.status == 2);
    CHECK(contains(r.err, ": foo: unknown key for the pipeline"));
  }
}
