// Loading plugin libraries: the good case and every way a library can be refused.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <filesystem>

#include "config/yaml_document.hpp"
#include "neuralrg/version.hpp"
#include "plugin/plugin_loader.hpp"
#include "support/cli.hpp"

using namespace neuralrg;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const char* name) {
  return fs::path(NEURALRG_TEST_PLUGIN_DIR) / name;
}

std::string only_problem(const PluginRegistry& r) {
  REQUIRE(r.problems().size() == 1);
  return r.problems()[0].message;
}

}  // namespace

TEST_CASE("a good plugin registers its factories with their schemas") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("good")});
  CHECK(registry.problems().empty());
  REQUIRE(registry.plugins().size() == 1);
  CHECK(registry.plugins()[0].name == "fixture_good");
  CHECK(registry.plugins()[0].version == "1.2.3");
  const FactoryEntry* f = registry.find(PluginKind::Bijector, "fixture_identity");
  REQUIRE(f);
  CHECK(f->schema.find("copies"));
  const Value section = *parse_yaml("b: {plugin: fixture_identity, copies: 3}", "t.yaml").find("b");
  auto [entry, params] = registry.resolve(PluginKind::Bijector, section);
  CHECK(params.integer("copies") == 3);
  auto bijector = std::get<BijectorFactory>(entry->factory)(params, BijectorContext{4, 1});
  CHECK(bijector->width() == 4);
}

TEST_CASE("a library that is not a plugin is refused with a reason") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("not_a_plugin")});
  CHECK(only_problem(registry) ==
        "not a NeuralRG plugin (it exports no \"neuralrg_plugin_v1\" symbol)");
  CHECK(registry.factories().empty());
}

TEST_CASE("a plugin built against another API version is refused before registering") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("bad_api")});  // its register function would abort()
  CHECK(only_problem(registry) ==
        fmt::format("built against plugin API version 3, but this neuralrg provides version {}; "
                    "rebuild the plugin against this SDK",
                    NEURALRG_API_VERSION));
}

TEST_CASE("a plugin built with another ABI is refused before registering") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("bad_abi")});
  const std::string message = only_problem(registry);
  CHECK(message.find("built with ABI \"clang-99/libc++/eigen-3.3.7/scalar-float\"") == 0);
  CHECK(message.find(NEURALRG_ABI_TAG) != std::string::npos);
}

TEST_CASE("two plugins registering the same name: the second is refused") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("good"), fixture("duplicate")});
  CHECK(registry.plugins().size() == 1);
  const std::string message = only_problem(registry);
  CHECK(message.find("plugin \"fixture_duplicate\" registers bijector \"fixture_identity\", which "
                     "plugin \"fixture_good\"") == 0);
}

TEST_CASE("an unknown plugin name lists what is available and why others were skipped") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("good"), fixture("not_a_plugin")});
  const Value section = *parse_yaml("b: {plugin: fixture_identty}", "t.yaml").find("b");
  try {
    registry.resolve(PluginKind::Bijector, section);
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    CHECK(m.find("t.yaml:1:13: b.plugin: unknown bijector plugin \"fixture_identty\"; did you mean "
                 "\"fixture_identity\"?; available bijectors: fixture_identity") == 0);
    CHECK(m.find("not a NeuralRG plugin") != std::string::npos);
  }
}

TEST_CASE(
    "a library with an undefined symbol is refused at load, naming the symbol — the others "
    "load") {
  PluginRegistry registry;
  load_plugins(registry, {fixture("undefined_symbol"), fixture("good")});
  const std::string message = only_problem(registry);
  CHECK(message.find("cannot be loaded: ") == 0);
  CHECK(message.find("undefined symbol: neuralrg_fixture_function_nobody_defines") !=
        std::string::npos);
  CHECK(registry.find(PluginKind::Bijector, "fixture_identity"));
}

TEST_CASE("a user library registering a built-in's name is refused, naming both libraries") {
  const std::string path = "--plugin-path " + fixture("shadow_builtin").string();
  const auto r = test::run_cli("plugins " + path);
  CHECK(r.status != 0);  // a refused library makes `plugins` report failure
  CHECK(test::contains(r.out + r.err,
                       "plugin \"fixture_shadow\" registers bijector \"realnvp\", "
                       "which plugin \"realnvp\" ("));
  CHECK(test::contains(r.out + r.err, "libfixture_shadow.so"));
  // The built-in is the one a pipeline gets.
  CHECK(test::contains(test::run_cli("plugins --describe realnvp " + path).out, "Real NVP block"));
}
