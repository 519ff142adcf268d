#include "plugin/plugin_loader.hpp"

#include <fmt/format.h>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>

#include "plugin/elf_check.hpp"
#include "util/isa.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

void append_list(std::vector<fs::path>& out, const std::string& list) {
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t colon = list.find(':', start);
    const std::string part = list.substr(start, colon == std::string::npos ? colon : colon - start);
    if (!part.empty()) out.emplace_back(part);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
}

bool is_within(const fs::path& inner, const fs::path& outer) {
  const auto rel = inner.lexically_relative(outer);
  return !rel.empty() && *rel.begin() != "..";
}

// Libraries must outlive every object their factories created, including statics destroyed at
// exit, so they are deliberately never unloaded.
std::vector<boost::dll::shared_library>& loaded_libraries() {
  static auto* libraries = new std::vector<boost::dll::shared_library>();
  return *libraries;
}

// Every library in a plugin folder is code this process runs. A folder that others can write to
// lets them plant one: world-writable (the sticky bit does not help, it only stops others from
// deleting existing files, not from adding new ones), or owned by another user. Root owns the
// system folders and can replace anything anyway, so root-owned folders are trusted.
std::string untrusted_because(const fs::path& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return {};  // nothing can be loaded from it either
  if (info.st_mode & S_IWOTH) return "it is world-writable";
  if (info.st_uid != ::geteuid() && info.st_uid != 0)
    return fmt::format("it is owned by another user (uid {})", info.st_uid);
  return {};
}

void load_library(PluginRegistry& registry, const fs::path& file) {
  // dlopen's own complaint about a file that is not a library is misleading ("Bad file
  // descriptor" for a text file named .so), and a truncated library crashes it (SIGBUS).
  if (const std::string problem = elf_problem(file); !problem.empty()) {
    registry.add_problem(file, problem);
    return;
  }
  // The folder was checked; the file and the level's copy (in a subfolder) are checked here.
  for (const fs::path& place : {file, file.parent_path()})
    if (const std::string why = untrusted_because(place); !why.empty()) {
      const std::string what = place == file ? "the file" : "its folder " + place.string();
      registry.add_problem(file, fmt::format("not loaded: {} is not safe ({}); make it writable "
                                             "only by you (chmod o-w)",
                                             what, why));
      return;
    }
  // Bound now, not at first call: an undefined symbol is then this library's load error, with
  // the loader's own words, instead of killing the process in the middle of a run.
  void* probe = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!probe) {
    const char* why = ::dlerror();
    registry.add_problem(file, fmt::format("cannot be loaded: {}", why ? why : "unknown error"));
    return;
  }
  boost::dll::shared_library library;
  boost::dll::fs::error_code ec;
  library.load(file, boost::dll::load_mode::rtld_now, ec);
  ::dlclose(probe);  // the library stays loaded: `library` holds its own reference
  if (ec) {
    registry.add_problem(file, fmt::format("cannot be loaded: {}", ec.message()));
    return;
  }
  if (!library.has(kPluginEntrySymbol)) {
    registry.add_problem(file, fmt::format("not a NeuralRG plugin (it exports no \"{}\" symbol)",
                                           kPluginEntrySymbol));
    return;
  }
  const auto entry = library.get_alias<const PluginInfo*()>(kPluginEntrySymbol);
  const PluginInfo* info = entry();
  if (info == nullptr) {
    registry.add_problem(file, "plugin entry point returned no metadata");
    return;
  }
  if (info->api_version != NEURALRG_API_VERSION) {
    registry.add_problem(file,
                         fmt::format("built against plugin API version {}, but this neuralrg "
                                     "provides version {}; rebuild the plugin against this SDK",
                                     info->api_version, NEURALRG_API_VERSION));
    return;
  }
  if (std::strcmp(info->abi_tag, NEURALRG_ABI_TAG) != 0) {
    registry.add_problem(file, fmt::format("built with ABI \"{}\", but this neuralrg uses \"{}\"; "
                                           "rebuild the plugin with the same compiler, standard "
                                           "library, Eigen and Scalar",
                                           info->abi_tag, NEURALRG_ABI_TAG));
    return;
  }
  const std::string refusal = registry.register_plugin(*info, file);
  if (!refusal.empty()) {
    registry.add_problem(file, refusal);
    return;
  }
  loaded_libraries().push_back(std::move(library));
}

}  // namespace

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& cli) {
  // The plugins shipped with neuralrg come first: a user library registering one of their names
  // is then the one refused (naming both libraries), instead of silently replacing it.
  std::vector<fs::path> dirs;
  std::error_code ec;
  const fs::path exe = fs::weakly_canonical(boost::dll::program_location(), ec);
  const fs::path build_dir = NEURALRG_BUILD_DIR;
  if (!ec && is_within(exe, build_dir))
    dirs.emplace_back(NEURALRG_BUILD_PLUGIN_DIR);
  else if (!ec)
    dirs.push_back(exe.parent_path().parent_path() / NEURALRG_INSTALL_PLUGIN_DIR);
  dirs.insert(dirs.end(), cli.begin(), cli.end());
  if (const char* env = std::getenv("NEURALRG_PLUGIN_PATH")) append_list(dirs, env);

  std::vector<fs::path> existing;
  for (const auto& d : dirs)
    if (fs::exists(d, ec)) existing.push_back(d);
  return existing;
}

void load_plugins(PluginRegistry& registry, const std::vector<fs::path>& dirs) {
  std::set<fs::path> seen;
  for (const auto& dir : dirs) {
    std::vector<fs::path> files;
    std::error_code ec;
    const bool is_folder = fs::is_directory(dir, ec);
    const fs::path folder = is_folder ? dir : dir.parent_path();
    if (const std::string why = untrusted_because(folder.empty() ? "." : folder); !why.empty()) {
      registry.add_problem(folder, fmt::format("no plugins loaded from this folder: {}; make it "
                                               "writable only by you (chmod o-w)",
                                               why));
      continue;
    }
    if (is_folder) {
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".so") continue;
        std::error_code unreadable;  // e.g. a symbolic link loop
        if (entry.is_regular_file(unreadable)) files.push_back(entry.path());
        if (unreadable)
          registry.add_problem(entry.path(), fmt::format("skipped: {}", unreadable.message()));
      }
      std::sort(files.begin(), files.end());  // directory order is not reproducible
    } else {
      files.push_back(dir);
    }
    for (const auto& file : files) {
      const fs::path canonical = fs::weakly_canonical(file, ec);
      if (!seen.insert(canonical).second) continue;
      load_library(registry, isa_copy_of(canonical));
    }
  }
}

PluginRegistry& global_registry(const std::vector<fs::path>& cli) {
  static PluginRegistry* registry = [&] {
    auto* r = new PluginRegistry();
    load_plugins(*r, plugin_search_path(cli));
    return r;
  }();
  return *registry;
}

}  // namespace neuralrg
