// YAML loading: syntax errors, missing files, --set overrides.
#include <doctest/doctest.h>

#include <filesystem>

#include "config/yaml_document.hpp"

using namespace neuralrg;

TEST_CASE("syntax errors carry file:line:col") {
  try {
    parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "p.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.where().file == "p.yaml");
    CHECK(e.where().line >= 2);
    CHECK(std::string(e.what()).find("YAML syntax error") != std::string::npos);
  }
}

TEST_CASE("duplicate keys are rejected") {
  CHECK_THROWS_WITH_AS(parse_yaml("a: 1\na: 2\n", "p.yaml"), "p.yaml:2:1: a: duplicate key",
                       ConfigError);
}

TEST_CASE("missing and unreadable files") {
  CHECK_THROWS_WITH_AS(load_yaml_file("/nonexistent/p.yaml"),
                       "/nonexistent/p.yaml: no such pipeline file", ConfigError);
  CHECK_THROWS_WITH_AS(
      load_yaml_file(std::filesystem::temp_directory_path()),
      (std::filesystem::temp_directory_path().string() + ": is a directory, not a pipeline file")
          .c_str(),
      ConfigError);
}

TEST_CASE("--set overrides keys, creates maps, indexes lists and keeps locations") {
  Value root = parse_yaml("flow: {layout: mera}\nstages:\n  - train: {epochs: 5}\n", "p.yaml");
  apply_override(root, "flow.block.hidden=[20, 20]");
  apply_override(root, "stages.0.train.epochs=7");
  apply_override(root, "flow.layout=tree");
  const Value* flow = root.find("flow");
  REQUIRE(flow);
  CHECK(flow->find("layout")->text == "tree");
  CHECK(flow->find("layout")->where.file == "--set flow.layout=tree");
  const Value* hidden = flow->find("block")->find("hidden");
  REQUIRE(hidden);
  CHECK(hidden->items.size() == 2);
  CHECK(hidden->path == "flow.block.hidden");
  CHECK(root.find("stages")->items[0].find("train")->find("epochs")->text == "7");
  CHECK_THROWS_WITH_AS(apply_override(root, "stages.3.train.epochs=1"),
                       "--set stages.3.train.epochs=1: stages: \"3\" is not an index of this "
                       "list of 1 items",
                       ConfigError);
  CHECK_THROWS_AS(apply_override(root, "novalue"), ConfigError);
}

TEST_CASE("to_yaml round-trips a tree") {
  const Value root = parse_yaml("a: 1\nb: {c: [1, 2], d: \"x\"}\n", "p.yaml");
  const Value again = parse_yaml(to_yaml(root), "again");
  CHECK(again.find("b")->find("c")->items[1].text == "2");
  CHECK(again.find("b")->find("d")->quoted);
}
