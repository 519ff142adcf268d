// Parameter schemas: typing, ranges, defaults, unknown keys, and located messages.
#include <doctest/doctest.h>

#include "config/yaml_document.hpp"
#include "neuralrg/params.hpp"

using namespace neuralrg;

namespace {

Schema block_schema() {
  Schema s;
  s.integer("couplings", 10, "Affine coupling layers.").range(1, std::nullopt);
  s.integers("hidden", std::vector<long long>{10, 10, 10}, "Hidden widths.").range(1, std::nullopt);
  s.choice("activation", "elu", {"elu", "tanh"}, "Activation.");
  s.real("beta", std::nullopt, "Inverse temperature.")
      .range(0, std::nullopt)
      .keywords({"critical"});
  s.boolean("trainable", false, "Train the block.");
  return s;
}

Value section(const std::string& yaml) {
  Value doc = parse_yaml(yaml, "pipelines/x.yaml");
  return *doc.find("block");
}

std::string error_of(const std::string& yaml) {
  try {
    Params::validate(block_schema(), section(yaml), "realnvp", {"plugin"});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("valid parameters are typed and defaults filled in") {
  const Params p = Params::validate(
      block_schema(), section("block:\n  plugin: realnvp\n  beta: 0.44\n"), "realnvp", {"plugin"});
  CHECK(p.integer("couplings") == 10);
  CHECK(p.integers("hidden") == std::vector<long long>{10, 10, 10});
  CHECK(p.text("activation") == "elu");
  CHECK(p.real("beta") == doctest::Approx(0.44));
  CHECK_FALSE(p.is_keyword("beta"));
  CHECK_FALSE(p.boolean("trainable"));
  const Params k = Params::validate(block_schema(), section("block:\n  beta: critical\n"), "x");
  CHECK(k.is_keyword("beta"));
  CHECK(k.text("beta") == "critical");
}

TEST_CASE("wrong type: file:line:col, dotted path, expectation and what was found") {
  CHECK(error_of("block:\n  beta: 1\n  couplings: ten\n") ==
        "pipelines/x.yaml:3:14: block.couplings: expected a positive integer, got \"ten\"");
  CHECK(error_of("block:\n  beta: 1\n  couplings: 0\n") ==
        "pipelines/x.yaml:3:14: block.couplings: expected a positive integer, got \"0\"");
  CHECK(error_of("block:\n  beta: 1\n  couplings: \"10\"\n") ==
        "pipelines/x.yaml:3:14: block.couplings: expected a positive integer, got \"10\"");
  CHECK(error_of("block:\n  beta: hot\n") ==
        "pipelines/x.yaml:2:9: block.beta: expected a non-negative number or one of: critical, "
        "got \"hot\"");
  CHECK(error_of("block:\n  beta: 1\n  hidden: [10, -3]\n") ==
        "pipelines/x.yaml:3:16: block.hidden: expected a list of positive integers, got \"-3\" in "
        "the list");
  CHECK(error_of("block:\n  beta: 1\n  activation: relu\n") ==
        "pipelines/x.yaml:3:15: block.activation: expected one of: elu, tanh, got \"relu\"");
}

TEST_CASE("unknown key suggests the nearest valid one") {
  CHECK(error_of("block:\n  beta: 1\n  couplngs: 4\n") ==
        "pipelines/x.yaml:3:13: block.couplngs: unknown key for realnvp; did you mean "
        "\"couplings\"?; valid keys: couplings, hidden, activation, beta, trainable");
}

TEST_CASE("a missing required key names the parent map and the key") {
  CHECK(error_of("block:\n  couplings: 4\n") ==
        "pipelines/x.yaml:2:3: block.beta: missing required key for realnvp (a non-negative "
        "number or one of: critical: Inverse temperature.)");
}
