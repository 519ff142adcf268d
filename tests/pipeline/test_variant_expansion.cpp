// sweep: × variants: × seeds: — the expanded variants, their names, overrides and groups.
#include <doctest/doctest.h>

#include "pipeline/pipeline_spec.hpp"
#include "support/cli.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

namespace {

const char* const kBase = R"(name: grid
seed: 10
target: {plugin: ising_dual, L: 4, beta: critical}
stages:
  - train: {optimizer: {plugin: adam}, batch: 8, epochs: 2}
)";

PipelineSpec load(const std::string& extra) {
  test::TempDir tmp;
  return load_pipeline(tmp.write("p.yaml", kBase + extra), {}, test::plugins());
}

std::vector<std::string> names(const PipelineSpec& spec) {
  std::vector<std::string> out;
  for (const auto& v : spec.variants) out.push_back(v.name);
  return out;
}

std::string seed_of(const PipelineSpec& spec, std::size_t i) {
  return validate_pipeline(variant_tree(spec, spec.variants[i]), spec.file, test::plugins())
      .resolved.find("seed")
      ->text;
}

}  // namespace

TEST_CASE("a sweep runs the product of its lists, first key outermost") {
  const auto spec = load("sweep: {target.beta: [0.3, 0.44], flow.layout: [mera, tree]}\n");
  CHECK(names(spec) == std::vector<std::string>{"beta-0.3_layout-mera", "beta-0.3_layout-tree",
                                                "beta-0.44_layout-mera", "beta-0.44_layout-tree"});
  const auto tree =
      validate_pipeline(variant_tree(spec, spec.variants[3]), spec.file, test::plugins());
  CHECK(tree.resolved.find("target")->find("beta")->text == "0.44");
  CHECK(tree.resolved.find("flow")->find("layout")->text == "tree");
  // The child is a plain pipeline: no sweep of its own.
  CHECK(tree.variants.empty());
}

TEST_CASE("seeds repeat every variant with consecutive seeds, grouped by variant") {
  const auto spec = load(
      "seeds: 3\nvariants:\n  - {name: mera, set: {flow.layout: mera}}\n"
      "  - {name: tree, set: {flow.layout: tree}}\n");
  CHECK(names(spec) == std::vector<std::string>{"mera-seed10", "mera-seed11", "mera-seed12",
                                                "tree-seed10", "tree-seed11", "tree-seed12"});
  CHECK(spec.variants[4].group == "tree");
  CHECK(seed_of(spec, 0) == "10");
  CHECK(seed_of(spec, 5) == "12");
  // Without variants or a sweep, the pipeline itself is repeated.
  CHECK(names(load("seeds: 2\n")) == std::vector<std::string>{"grid-seed10", "grid-seed11"});
  CHECK(load("").variants.empty());
}

TEST_CASE("variants crossed with a sweep; values that cannot name a directory are numbered") {
  const auto spec = load(
      "variants:\n  - {name: a, set: {flow.layout: mera}}\n"
      "sweep: {flow.block.hidden: [[4], [6, 6]], target.beta: [\"1/3\"]}\n");
  CHECK(names(spec) == std::vector<std::string>{"a_hidden-0_beta-0", "a_hidden-1_beta-0"});
}

TEST_CASE("bad sweeps and names are refused with their position") {
  CHECK_THROWS_WITH_AS(load("sweep: {target.beta: 0.3}\n"),
                       doctest::Contains("expected a non-empty list of values for target.beta"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(load("sweep: {target.beta: []}\n"), doctest::Contains("non-empty list"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(load("variants:\n  - {name: \"a,b\", set: {flow.layout: mera}}\n"),
                       doctest::Contains("cannot name a directory"), ConfigError);
  CHECK_THROWS_WITH_AS(load("seeds: 0\n"), doctest::Contains("seeds"), ConfigError);
  CHECK_THROWS_WITH_AS(
      load("variants:\n  - {name: x, set: {seed: 1}}\n  - {name: x, set: {seed: 2}}\n"),
      doctest::Contains("duplicate variant name \"x\""), ConfigError);
  CHECK_THROWS_WITH_AS(load("sweep: {target.bogus: [1]}\n"), doctest::Contains("bogus"),
                       ConfigError);
}
