// What a plugin folder may hold besides plugins: symbolic link loops, files named .so that are not
// libraries; and folders others can write to, which are not loaded from at all.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "plugin/plugin_loader.hpp"
#include "support/cli.hpp"

using namespace neuralrg;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

// The good fixture plugin, copied into `dir`.
void copy_good_plugin(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(fs::path(NEURALRG_TEST_PLUGIN_DIR) / "good"))
    if (entry.path().extension() == ".so")
      fs::copy_file(entry.path(), dir / entry.path().filename());
}

bool has_problem(const PluginRegistry& r, const fs::path& path, const std::string& part) {
  for (const auto& p : r.problems())
    if (p.path == path && p.message.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a symbolic link loop is skipped with a problem naming it; the other plugins load") {
  TempDir tmp;
  copy_good_plugin(tmp.path);
  fs::create_symlink("loop.so", tmp.path / "loop.so");
  PluginRegistry registry;
  load_plugins(registry, {tmp.path});
  CHECK(has_problem(registry, tmp.path / "loop.so", "skipped: Too many levels of symbolic links"));
  CHECK(registry.find(PluginKind::Bijector, "fixture_identity"));
}

TEST_CASE("a .so file that is not a library is named as such") {
  TempDir tmp;
  std::ofstream(tmp.path / "notes.so") << "not a library\n";
  PluginRegistry registry;
  load_plugins(registry, {tmp.path});
  CHECK(has_problem(registry, tmp.path / "notes.so", "not a shared library (no ELF header)"));
}

TEST_CASE("a world-writable plugin folder is not loaded from, sticky bit or not") {
  for (const fs::perms mode : {fs::perms::all, fs::perms::all | fs::perms::sticky_bit}) {
    TempDir tmp;
    copy_good_plugin(tmp.path);
    fs::permissions(tmp.path, mode);
    PluginRegistry registry;
    load_plugins(registry, {tmp.path});
    CHECK(has_problem(registry, tmp.path,
                      "no plugins loaded from this folder: it is world-writable"));
    CHECK(registry.plugins().empty());
    // The library itself, named directly, lives in the same folder.
    PluginRegistry by_file;
    load_plugins(by_file, {tmp.path / "libfixture_good.so"});
    CHECK(by_file.plugins().empty());
  }
}
