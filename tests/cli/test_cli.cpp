// The command line end to end: listings, and every kind of bad input with its message.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "neuralrg/version.hpp"
#include "support/cli.hpp"
#include "util/json.hpp"

using neuralrg::Json;
using neuralrg::test::contains;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = NEURALRG_TEST_PLUGIN_DIR;

const char* kValidPipeline = R"(name: tiny
seed: 3
target: {plugin: ising_dual, L: 4, beta: 0.3}
flow:
  layout: mera
  block: {plugin: realnvp, couplings: 2, hidden: [4]}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.001}, batch: 16, epochs: 2, chunk: 8}
)";

}  // namespace

TEST_CASE("--version names the version, plugin API and ABI") {
  const auto r = run_cli("--version");
  CHECK(r.status == 0);
  CHECK(contains(r.out, fmt::format("neuralrg 0.1.0 (plugin API {}, ABI ", NEURALRG_API_VERSION)));
}

TEST_CASE("plugins lists the in-tree plugins, as text and JSON, and describes one") {
  auto r = run_cli("plugins");
  CHECK(r.status == 0);
  for (const char* name : {"realnvp", "wavelet_linear", "gaussian", "ising_dual", "adam"})
    CHECK(contains(r.out, name));
  r = run_cli("plugins --json");
  const Json all = Json::parse(r.out);
  const auto realnvp = std::find_if(all.begin(), all.end(), [](const Json& f) {
    return f["name"] == "realnvp" && f["kind"] == "bijector";
  });
  REQUIRE(realnvp != all.end());
  // One shape everywhere: --describe --json prints the same object, plugins.json lists them too.
  r = run_cli("plugins --describe realnvp --json");
  CHECK(r.status == 0);
  CHECK(Json::parse(r.out) == Json::array({*realnvp}));
  const auto couplings =
      std::find_if((*realnvp)["parameters"].begin(), (*realnvp)["parameters"].end(),
                   [](const Json& p) { return p["name"] == "couplings"; });
  REQUIRE(couplings != (*realnvp)["parameters"].end());
  CHECK((*couplings)["type"] == "integer");
  r = run_cli("plugins --describe realnvp");
  CHECK(r.status == 0);
  CHECK(contains(r.out, "couplings"));
  CHECK(contains(r.out, "[10, 10, 10]"));
  r = run_cli("plugins --describe realnpv");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "did you mean \"realnvp\""));
}

TEST_CASE("--plugin-path adds a folder — broken libraries are reported with the reason") {
  auto r = run_cli("plugins --plugin-path " + kFixtures + "/good");
  CHECK(r.status == 0);
  CHECK(contains(r.out, "fixture_identity"));
  r = run_cli("plugins --plugin-path " + kFixtures + "/not_a_plugin");
  CHECK(r.status == 1);
  CHECK(contains(r.err, "libfixture_not_a_plugin.so: not a NeuralRG plugin"));
  r = run_cli("plugins", "NEURALRG_PLUGIN_PATH=" + kFixtures + "/bad_api");
  CHECK(r.status == 1);
  CHECK(contains(r.err, "built against plugin API version 3,"));
  r = run_cli("plugins --plugin-path " + kFixtures + "/bad_abi");
  CHECK(contains(r.err, "built with ABI \"clang-99/libc++/eigen-3.3.7/scalar-float\""));
  r = run_cli("plugins --plugin-path " + kFixtures + "/good --plugin-path " + kFixtures +
              "/duplicate");
  CHECK(contains(r.err, "registers bijector \"fixture_identity\", which plugin \"fixture_good\""));
}

TEST_CASE("validate accepts a good pipeline") {
  TempDir tmp;
  const auto r = run_cli("validate " + tmp.write("p.yaml", kValidPipeline).string());
  CHECK(r.status == 0);
  CHECK(contains(r.out, "ok: pipeline \"tiny\""));
}

TEST_CASE("bad pipelines: every error names file:line:col, the key and what was expected") {
  TempDir tmp;
  struct Case {
    std::string name, yaml, expected;
  };
  std::string typo = kValidPipeline;
  typo.replace(typo.find("couplings"), 9, "couplngs");
  std::string wrong_type = kValidPipeline;
  wrong_type.replace(wrong_type.find("couplings: 2"), 12, "couplings: ten");
  std::string unknown_plugin = kValidPipeline;
  unknown_plugin.replace(unknown_plugin.find("plugin: realnvp"), 15, "plugin: realnvq");
  std::string bad_stage = kValidPipeline;
  bad_stage.replace(bad_stage.find("- train"), 7, "- trian");
  std::string bad_offset = kValidPipeline;
  bad_offset.replace(bad_offset.find("beta: 0.3"), 9, "beta: 0.3, offset: 0.5");
  const std::vector<Case> cases = {
      {"syntax.yaml", "name: x\nstages: [\n", "syntax.yaml:2:1: YAML syntax error"},
      {"typo.yaml", typo,
       "typo.yaml:6:38: flow.block.couplngs: unknown key for realnvp; did you mean "
       "\"couplings\"?"},
      {"type.yaml", wrong_type,
       "type.yaml:6:39: flow.block.couplings: expected a positive integer, got \"ten\""},
      {"plugin.yaml", unknown_plugin,
       "plugin.yaml:6:19: flow.block.plugin: unknown bijector plugin \"realnvq\"; did you mean "
       "\"realnvp\"?; available bijectors: realnvp, spline, wavelet_linear"},
      {"stage.yaml", bad_stage,
       "stage.yaml:8:5: stages[0].trian: unknown stage \"trian\"; did you mean \"train\"?"},
      {"offset.yaml", bad_offset,
       "offset.yaml:3:55: target.offset: offset 0.5 does not make K + aI positive definite"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto file = tmp.write(c.name, c.yaml);
    const auto r = run_cli("run " + file.string() + " --out " + (tmp.path / "run").string());
    CHECK(r.status == 2);
    INFO(r.err);
    CHECK(r.err.rfind("error: " + tmp.path.string() + "/" + c.expected, 0) == 0);
    CHECK_FALSE(fs::exists(tmp.path / "run"));  // nothing half-written
  }
  const auto missing = run_cli("validate " + (tmp.path / "nope.yaml").string());
  CHECK(missing.status == 2);
  CHECK(missing.err == "error: " + (tmp.path / "nope.yaml").string() + ": no such pipeline file\n");
  const auto set =
      run_cli("validate " + tmp.write("ok.yaml", kValidPipeline).string() + " --set flow.depth=-1");
  CHECK(set.status == 2);
  CHECK(contains(set.err,
                 "--set flow.depth=-1: flow.depth: expected a non-negative integer, got \"-1\""));
}

TEST_CASE("a malformed command line exits with 2, --help and --version with 0") {
  for (const char* args : {"", "run --threads 0", "run --resume", "exact ising --L 2", "bogus"}) {
    CAPTURE(args);
    CHECK(run_cli(args).status == 2);
  }
  CHECK(run_cli("--help").status == 0);
  CHECK(run_cli("run --help").status == 0);
}

TEST_CASE("exact ising prints the reference free energies") {
  const auto r = run_cli("exact ising --L 16 --beta critical --json");
  CHECK(r.status == 0);
  CHECK(Json::parse(r.out)["minus_log_z_dual_per_site"].get<double>() ==
        doctest::Approx(-2.3159208).epsilon(1e-7));
  const auto bad = run_cli("exact ising --L 16 --beta critical --offset 1");
  CHECK(bad.status == 2);
  CHECK(contains(bad.err, "does not make K + aI positive definite"));
  // Never NaN or infinity printed with exit 0.
  for (const char* args : {"--beta 5e-324", "--beta 0.3 --offset 1e400", "--beta nan"}) {
    CAPTURE(args);
    const auto odd = run_cli(fmt::format("exact ising --L 4 {}", args));
    CHECK(odd.status == 2);
    CHECK(!contains(odd.out, "nan"));
    CHECK(!contains(odd.out, "inf"));
  }
}

TEST_CASE("docs/pipeline.schema.json is what `neuralrg docs --json-schema` generates") {
  const auto r = run_cli("docs --json-schema");
  REQUIRE(r.status == 0);
  // If this fails after changing a schema:
  //   build/bin/neuralrg docs --json-schema > docs/pipeline.schema.json
  CHECK(r.out ==
        read_text(std::filesystem::path(NEURALRG_SOURCE_DIR) / "docs/pipeline.schema.json"));
  const Json schema = Json::parse(r.out);
  CHECK(schema["properties"]["stages"]["items"]["oneOf"].size() >= 4);
  CHECK(schema["properties"]["seeds"]["minimum"] == 1);
  CHECK(run_cli("docs --pipelines --json-schema").status == 2);
  CHECK(run_cli("docs").status == 2);
}

TEST_CASE("docs/pipelines.md is what `neuralrg docs --pipelines` generates") {
  const auto r = run_cli("docs --pipelines");
  REQUIRE(r.status == 0);
  const std::string committed =
      read_text(std::filesystem::path(NEURALRG_SOURCE_DIR) / "docs/pipelines.md");
  // If this fails after changing a schema: build/bin/neuralrg docs --pipelines > docs/pipelines.md
  CHECK(r.out == committed);
  for (const char* key :
       {"### `train`", "### `analyze`", "#### `realnvp`", "#### `hmc`", "| `lr` | real |"})
    CHECK(contains(r.out, key));
}

TEST_CASE("every pipeline in pipelines/ validates") {
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(NEURALRG_SOURCE_DIR) / "pipelines")) {
    if (e.path().extension() != ".yaml") continue;
    const auto r = run_cli("validate " + e.path().string());
    INFO(e.path().string(), r.err);
    CHECK(r.status == 0);
    ++checked;
  }
  CHECK(checked >= 4);
}
