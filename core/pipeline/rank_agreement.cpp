#include "pipeline/rank_agreement.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cstring>

#include "config/yaml_document.hpp"
#include "pipeline/checkpoint.hpp"

namespace neuralrg {
namespace {

// Paths are left out: nodes may install the same plugins in different places.
std::string plugin_set(const PluginRegistry& registry) {
  std::string text;
  const auto& plugins = registry.plugins();
  for (const auto& f : registry.factories())
    text += fmt::format("{} {} {} {}\n", plugins[f.plugin_index].name,
                        plugins[f.plugin_index].version, to_string(f.kind), f.name);
  return text;
}

}  // namespace

void check_ranks_agree(const Communicator& comm, const PipelineSpec& spec,
                       const PluginRegistry& registry) {
  if (comm.size() == 1) return;
  const std::array<std::uint64_t, 2> mine = {fnv1a64(to_yaml(spec.resolved)),
                                             fnv1a64(plugin_set(registry))};
  const auto gathered = comm.all_gather(std::as_bytes(std::span(mine)));
  std::vector<std::array<std::uint64_t, 2>> all(static_cast<std::size_t>(comm.size()));
  std::memcpy(all.data(), gathered.data(), gathered.size());
  std::vector<std::string> differ;
  for (std::size_t r = 1; r < all.size(); ++r) {
    if (all[r][0] != all[0][0])
      differ.push_back(fmt::format("rank {}: configuration (hash {:016x}, rank 0's {:016x})", r,
                                   all[r][0], all[0][0]));
    if (all[r][1] != all[0][1])
      differ.push_back(fmt::format("rank {}: plugin set (hash {:016x}, rank 0's {:016x})", r,
                                   all[r][1], all[0][1]));
  }
  if (!differ.empty())
    throw CollectiveError(fmt::format(
        "the ranks of this job would not run the same thing:\n  {}\nEvery rank must be given the "
        "same pipeline, --set overrides and plugins (the same --plugin-path and "
        "$NEURALRG_PLUGIN_PATH contents on every node). Nothing was run.",
        fmt::join(differ, "\n  ")));
}

}  // namespace neuralrg
