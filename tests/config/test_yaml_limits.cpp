// Hostile YAML: aliases that expand without bound, and nesting deeper than any pipeline. Each must
// end in a located ConfigError naming the limit, never a crash or exhausted memory.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "config/yaml_document.hpp"

using namespace neuralrg;

namespace {

// The message of the ConfigError `parse` throws (doctest's CHECK_THROWS_WITH needs the whole text).
template <class F>
std::string error_of(F&& parse) {
  try {
    parse();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("an alias inside its own anchor is refused as nested too deeply, with its location") {
  const std::string message = error_of([] { parse_yaml("name: x\ns: &s [*s]\n", "a.yaml"); });
  CHECK(message.rfind("a.yaml:2:", 0) == 0);
  CHECK(contains(message, fmt::format("nested too deeply (limit {} levels", kMaxYamlDepth)));
  Value root = parse_yaml("name: x\n", "a.yaml");
  const std::string set = error_of([&] { apply_override(root, "x=&s [*s]"); });
  CHECK(contains(set, "--set x=&s [*s]"));
  CHECK(contains(set, "nested too deeply"));
}

TEST_CASE("billion laughs stops at the node limit instead of exhausting memory") {
  std::string yaml = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i)
    yaml += fmt::format(
        "a{0}: &a{0} [*a{1}, *a{1}, *a{1}, *a{1}, *a{1}, *a{1}, *a{1}, *a{1}, "
        "*a{1}, *a{1}]\n",
        i, i - 1);
  const std::string message = error_of([&] { parse_yaml(yaml, "laughs.yaml"); });
  CHECK(message.rfind("laughs.yaml:", 0) == 0);
  CHECK(contains(message, fmt::format("expands to more than {} values", kMaxYamlNodes)));
}

TEST_CASE("a long chain of aliases to a large scalar stops at the text limit") {
  std::string yaml = "big: &b " + std::string(100'000, 'x') + "\nlist: [";
  for (int i = 0; i < 1000; ++i) yaml += "*b, ";
  yaml += "*b]\n";
  const std::string message = error_of([&] { parse_yaml(yaml, "chain.yaml"); });
  CHECK(message.rfind("chain.yaml:", 0) == 0);
  CHECK(contains(message, "MiB of text"));
}

TEST_CASE("deep but valid nesting gets the depth limit, located, also beyond yaml-cpp's own") {
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "[";
  for (int i = 0; i < 500; ++i) deep += "]";
  const std::string message = error_of([&] { parse_yaml("x: " + deep + "\n", "deep.yaml"); });
  CHECK(message.rfind("deep.yaml:1:", 0) == 0);
  CHECK(contains(message, fmt::format("nested too deeply (limit {} levels", kMaxYamlDepth)));

  const std::string deeper =
      error_of([] { parse_yaml("x: " + std::string(100'000, '['), "d.yaml"); });
  // yaml-cpp's parser gives up near 500 levels of its own recursion (saying "bad file").
  CHECK(deeper.rfind("d.yaml:1:", 0) == 0);
  CHECK(contains(deeper, fmt::format("nested too deeply (limit {} levels)", kMaxYamlDepth)));
}

TEST_CASE("the limits leave room for real pipelines: 60 levels and 10000 values parse") {
  std::string deep;
  for (int i = 0; i < 60; ++i) deep += "[";
  for (int i = 0; i < 60; ++i) deep += "]";
  CHECK(parse_yaml("x: " + deep + "\n", "ok.yaml").find("x")->kind == Value::Kind::List);
  std::string wide = "x: &x [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\ny: [";
  for (int i = 0; i < 999; ++i) wide += "*x, ";
  wide += "*x]\n";
  CHECK(parse_yaml(wide, "ok.yaml").find("y")->items.size() == 1000);
}

TEST_CASE("a quote left open is a syntax error at the end of the text, not a missing key") {
  for (const std::string text : {"name: \"x\ntarget: {}\n", "name: 'x\nb: 1\n\n"}) {
    CAPTURE(text);
    const std::string message = error_of([&] { parse_yaml(text, "q.yaml"); });
    CHECK(message.rfind("q.yaml:2:", 0) == 0);
    CHECK(contains(message, "YAML syntax error: illegal EOF in scalar"));
  }
}

TEST_CASE("a pipeline path that is a device or a pipe is refused, not read forever or waited on") {
  CHECK(
      contains(error_of([] { load_yaml_file("/dev/zero"); }), "/dev/zero: is not a regular file"));
  const std::string fifo = fmt::format("/tmp/neuralrg-test-fifo-{}.yaml", ::getpid());
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(contains(error_of([&] { load_yaml_file(fifo); }), "is not a regular file"));
  ::unlink(fifo.c_str());
}
