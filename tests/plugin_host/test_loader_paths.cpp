// What a plugin folder may hold besides plugins: symbolic link loops, files named .so that are not
// libraries; and folders others can write to, which are not loaded from at all.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "plugin/plugin_loader.hpp"
#include "support/cli.hpp"
#include "util/isa.hpp"

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

TEST_CASE("a symbolic link loop is skipped with a problem naming it — the other plugins load") {
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

TEST_CASE("a truncated library is refused with a problem instead of crashing the loader") {
  TempDir tmp;
  copy_good_plugin(tmp.path);
  const fs::path good = tmp.path / "libfixture_good.so";
  REQUIRE(fs::exists(good));
  const auto size = fs::file_size(good);
  // Cut inside the headers, inside the loadable segments, and just before the end: before the
  // check, dlopen mapped pages past the end of the file and the process died with SIGBUS.
  for (const std::uintmax_t keep : {std::uintmax_t{1000}, size / 3, size - 64}) {
    CAPTURE(keep);
    const fs::path cut = tmp.path / "sub" / "cut.so";
    fs::create_directories(cut.parent_path());
    fs::copy_file(good, cut, fs::copy_options::overwrite_existing);
    fs::resize_file(cut, keep);
    PluginRegistry registry;
    load_plugins(registry, {cut.parent_path()});
    CHECK(has_problem(registry, cut, "truncated"));
    CHECK(registry.factories().empty());
  }
}

TEST_CASE("a world-writable library, or a world-writable level folder, is not loaded") {
  TempDir tmp;
  copy_good_plugin(tmp.path);
  const fs::path file = tmp.path / "libfixture_good.so";
  fs::permissions(file, fs::perms::others_write, fs::perm_options::add);
  PluginRegistry open_file;
  load_plugins(open_file, {tmp.path});
  CHECK(has_problem(open_file, file, "the file is not safe (it is world-writable)"));
  CHECK(open_file.factories().empty());

  // A copy for the running level sits in a subfolder the folder check does not cover.
  fs::permissions(file, fs::perms::others_write, fs::perm_options::remove);
  const fs::path level = tmp.path / "glibc-hwcaps" / std::string(isa_level());
  if (isa_level() == "x86-64" || isa_level() == "native") return;  // no level copies are loaded
  fs::create_directories(level);
  fs::copy_file(file, level / file.filename());
  fs::permissions(level, fs::perms::others_write, fs::perm_options::add);
  PluginRegistry open_level;
  load_plugins(open_level, {tmp.path});
  CHECK(has_problem(open_level, level / file.filename(), "its folder"));
  CHECK(open_level.factories().empty());
}
