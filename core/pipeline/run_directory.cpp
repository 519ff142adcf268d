#include "pipeline/run_directory.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "config/yaml_document.hpp"
#include "util/atomic_file.hpp"
#include "util/json.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

fs::path default_run_directory(const PipelineSpec& spec) {
  const auto now = std::chrono::system_clock::now();
  return fs::path("runs") /
         fmt::format("{}-{:%Y%m%d-%H%M%S}", spec.name,
                     std::chrono::floor<std::chrono::seconds>(now));
}

std::string plugins_json(const PluginRegistry& registry) {
  std::string out = "[\n";
  const auto& plugins = registry.plugins();
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    std::vector<std::string> provides;
    for (const auto& f : registry.factories())
      if (f.plugin_index == i)
        provides.push_back(fmt::format("{{\"kind\": {}, \"name\": {}}}",
                                       json_string(to_string(f.kind)), json_string(f.name)));
    out += fmt::format(
        "  {{\"name\": {}, \"version\": {}, \"path\": {}, \"provides\": [{}]}}{}\n",
        json_string(plugins[i].name), json_string(plugins[i].version),
        json_string(plugins[i].path.string()), fmt::join(provides, ", "),
        i + 1 < plugins.size() ? "," : "");
  }
  return out + "]\n";
}

void create_run_directory(const fs::path& dir, const PipelineSpec& spec,
                          const PluginRegistry& registry) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw std::runtime_error(fmt::format(
        "{}: run directory already exists and is not empty; choose another --out or continue it "
        "with --resume {}",
        dir.string(), dir.string()));
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  fs::create_directories(parent);
  const fs::path staging =
      parent / fmt::format(".{}.partial-{}", dir.filename().string(), ::getpid());
  fs::remove_all(staging, ec);
  try {
    fs::create_directory(staging);
    write_file_atomic(staging / "config.yaml",
                      fmt::format("# Resolved configuration of {} (every default filled in)\n{}",
                                  spec.file.string(), to_yaml(spec.resolved)));
    write_file_atomic(staging / "plugins.json", plugins_json(registry));
    if (fs::exists(dir, ec)) fs::remove(dir);  // an empty directory the user made
    fs::rename(staging, dir);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
}

std::vector<std::size_t> completed_stages(const fs::path& dir) {
  std::vector<std::size_t> out;
  std::ifstream in(dir / "stages.done");
  std::size_t index;
  while (in >> index) out.push_back(index);
  return out;
}

void mark_stage_completed(const fs::path& dir, std::size_t index) {
  std::string text;
  for (std::size_t i : completed_stages(dir)) text += fmt::format("{}\n", i);
  write_file_atomic(dir / "stages.done", text + fmt::format("{}\n", index));
}

}  // namespace neuralrg
