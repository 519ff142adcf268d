// sweep: × variants: × seeds: — the expanded variants, their names, overrides and groups.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "pipeline/pipeline_spec.hpp"
#include "support/cli.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

namespace {

const char* const kGridBase = R"(name: grid
seed: 10
target: {plugin: ising_dual, L: 4, beta: critical}
stages:
  - train: {optimizer: {plugin: adam}, batch: 8, epochs: 2}
)";

PipelineSpec load(const std::string& extra) {
  test::TempDir tmp;
  return load_pipeline(tmp.write("p.yaml", kGridBase + extra), {}, test::plugins());
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
  // A grid of 10¹² runs is refused at once, not expanded.
  std::string huge = "sweep:\n";
  for (int k = 0; k < 12; ++k)
    huge += "  k" + std::to_string(k) + ": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  CHECK_THROWS_WITH_AS(load(huge), doctest::Contains("make 1000000000000 runs; at most 1000"),
                       ConfigError);
}

TEST_CASE("a sweep over the expansion's own keys, or a seed beside seeds:, is refused") {
  for (const char* key : {"seeds", "name", "sweep.x", "variants"})
    CHECK_THROWS_WITH_AS(load(fmt::format("sweep: {{{}: [1, 2]}}\n", key)),
                         doctest::Contains("cannot be swept"), ConfigError);
  CHECK_THROWS_WITH_AS(load("seeds: 2\nsweep: {seed: [1, 2]}\n"),
                       doctest::Contains("`seed` cannot be swept together with `seeds:`"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(load("seeds: 2\nvariants:\n  - {name: a, set: {seed: 5}}\n"),
                       doctest::Contains("cannot set `seed` together with `seeds:`"), ConfigError);
  // Without seeds:, a seed is an ordinary parameter to sweep.
  CHECK(names(load("sweep: {seed: [1, 2]}\n")) == std::vector<std::string>{"seed-1", "seed-2"});
}

TEST_CASE("every expanded name is a plain directory name") {
  CHECK_THROWS_WITH_AS(load("sweep: {\"target.a b\": [1]}\n"),
                       doctest::Contains("cannot be part of a run's directory name"), ConfigError);
  // Each piece is plain, but together they are longer than a directory name may be.
  const std::string value(60, 'v');
  const std::string long_sweep = fmt::format(
      "sweep: {{target.beta: [0.3], flow.layout: [mera], flow.block.hidden: [[4]], "
      "target.L: [4]}}\nvariants:\n  - {{name: {0}{0}{0}, set: {{}}}}\n",
      value);
  CHECK_THROWS_WITH_AS(load(long_sweep), doctest::Contains("cannot name a directory"), ConfigError);
}

TEST_CASE("a --set outranks what the variants and the sweep set for the same key") {
  test::TempDir tmp;
  const auto file = tmp.write("p.yaml", std::string(kGridBase) +
                                            "sweep: {target.beta: [0.3, 0.44]}\n"
                                            "variants:\n"
                                            "  - {name: short, set: {stages.0.train.epochs: 3}}\n"
                                            "  - {name: wide, set: {stages.0.train.batch: 16, "
                                            "stages.0.train.optimizer.lr: 0.01}}\n");
  // The variant's resolved train section (a copy: the validated spec is a temporary).
  const auto variant = [&](const PipelineSpec& spec, std::size_t i) -> Value {
    return *validate_pipeline(variant_tree(spec, spec.variants[i]), spec.file, test::plugins())
                .resolved.find("stages")
                ->items[0]
                .find("train");
  };
  // Without --set each variant keeps its own values.
  const auto plain = load_pipeline(file, {}, test::plugins());
  REQUIRE(plain.variants.size() == 4);
  CHECK(variant(plain, 0).find("epochs")->text == "3");
  // `--variant short --set stages.0.train.epochs=20` means 20 epochs.
  const auto set = load_pipeline(
      file, {"stages.0.train.epochs=20", "stages.0.train.optimizer={plugin: adam, lr: 0.5}"},
      test::plugins());
  REQUIRE(set.variants.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(variant(set, i).find("epochs")->text == "20");
    // A key inside an overridden section is decided by the --set too.
    CHECK(variant(set, i).find("optimizer")->find("lr")->text == "0.5");
  }
  CHECK(variant(set, 2).find("batch")->text == "16");  // keys the --set leaves alone stay
  // A --set of a swept key fixes it: the sweep no longer varies it.
  const auto fixed = load_pipeline(file, {"target.beta=0.35"}, test::plugins());
  CHECK(names(fixed) == std::vector<std::string>{"short", "wide"});
  CHECK(validate_pipeline(variant_tree(fixed, fixed.variants[1]), fixed.file, test::plugins())
            .resolved.find("target")
            ->find("beta")
            ->text == "0.35");
}
