#include "cli/command_variants.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>

#include "cli/command_support.hpp"
#include "config/value_diff.hpp"
#include "config/yaml_document.hpp"
#include "pipeline/variant_runner.hpp"
#include "report/comparison_report.hpp"

namespace neuralrg::cli {
namespace fs = std::filesystem;

namespace {

// Which variants this process runs: with --variant, that one; on several ranks, every size-th
// from the rank's own; otherwise all (nullopt).
std::optional<std::vector<std::size_t>> variants_here(const PipelineSpec& spec,
                                                      const std::string& variant,
                                                      const Communicator& world) {
  if (!variant.empty() && world.size() > 1)
    throw CollectiveError(fmt::format(
        "--variant {} runs one variant as one job; under mpirun with {} ranks, run the pipeline "
        "without --variant (its variants are spread over the ranks), or start this job with one "
        "rank",
        variant, world.size()));
  if (!variant.empty()) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < spec.variants.size(); ++i) {
      if (spec.variants[i].name == variant) return std::vector<std::size_t>{i};
      names.push_back(spec.variants[i].name);
    }
    throw ConfigError(Location{"--variant " + variant, 0, 0}, "",
                      fmt::format("{} has no variant named '{}'; its variants are: {}",
                                  spec.file.string(), variant, fmt::join(names, ", ")));
  }
  if (world.size() == 1) return std::nullopt;
  std::vector<std::size_t> mine;
  for (std::size_t i = static_cast<std::size_t>(world.rank()); i < spec.variants.size();
       i += static_cast<std::size_t>(world.size()))
    mine.push_back(i);
  return mine;
}

// The jobs of an array start at about the same time and each may find the shared directory missing:
// the first to rename its complete staging folder into place creates it, the others join it. A
// directory holding another pipeline is refused.
void create_or_join(const fs::path& dir, const PipelineSpec& spec, const PluginRegistry& registry) {
  if (!fs::exists(dir / "config.yaml")) {
    try {
      create_run_directory(dir, spec, registry);  // its lock is released at once
    } catch (const std::exception&) {
      if (!fs::exists(dir / "config.yaml")) throw;
    }
  }
  const fs::path stored_file = dir / "config.yaml";
  const PipelineSpec stored = validate_pipeline(load_yaml_file(stored_file), stored_file, registry);
  const auto diff = differences(stored.resolved, spec.resolved);
  if (!diff.empty())
    throw std::runtime_error(fmt::format(
        "{} holds the variants of another configuration:\n  {}\nEvery job of an array must run "
        "the same pipeline and --set overrides.",
        dir.string(), fmt::join(diff, "\n  ")));
}

// Every rank's outcomes, merged: each variant ran on one rank; the others report kNotRunHere.
std::vector<int> merged_statuses(const Communicator& world,
                                 const std::vector<VariantOutcome>& outcomes) {
  std::vector<int> mine;
  for (const auto& o : outcomes) mine.push_back(o.status);
  if (world.size() == 1) return mine;
  const auto gathered = world.all_gather(std::as_bytes(std::span(mine)));
  std::vector<int> all(gathered.size() / sizeof(int));
  std::memcpy(all.data(), gathered.data(), gathered.size());
  for (std::size_t r = 1; r < static_cast<std::size_t>(world.size()); ++r)
    for (std::size_t i = 0; i < mine.size(); ++i)
      all[i] = std::max(all[i], all[r * mine.size() + i]);
  all.resize(mine.size());
  return all;
}

int write_comparison_of(const fs::path& dir, const PipelineSpec& spec,
                        const PluginRegistry& registry, const std::vector<int>& statuses) {
  std::vector<report::VariantRow> rows;
  for (std::size_t i = 0; i < spec.variants.size(); ++i) {
    const auto& v = spec.variants[i];
    const long long parameters =
        parameter_count(validate_pipeline(variant_tree(spec, v), spec.file, registry), registry);
    rows.push_back({v.name, v.group, dir / "variants" / v.name, statuses[i], parameters});
  }
  const int figures = report::write_comparison(dir, spec.name, rows);
  fmt::print("comparison: {} and {} ({} figures)\n", (dir / "comparison.csv").string(),
             (dir / "comparison.html").string(), figures);
  return figures;
}

}  // namespace

int write_variants_comparison(const fs::path& dir, const PipelineSpec& spec,
                              const PluginRegistry& registry) {
  std::vector<int> statuses;
  for (const auto& v : spec.variants)
    statuses.push_back(
        variant_finished(dir / "variants" / v.name, spec.stages.size()) ? 0 : kNotRunHere);
  return write_comparison_of(dir, spec, registry, statuses);
}

int run_with_variants(const GlobalOptions& global, const PipelineOptions& options,
                      const PipelineSpec& spec, const PluginRegistry& registry, const fs::path& dir,
                      RunLock lock) {
  const Communicator& world = Communicator::world();
  const auto here = variants_here(spec, options.variant, world);
  if (!options.variant.empty()) {
    lock = RunLock();  // the jobs of an array share the directory; each variant locks its own
    create_or_join(dir, spec, registry);
  } else if (!lock && world.is_root()) {
    lock = create_run_directory(dir, spec, registry);
  }
  world.idle_barrier();  // the directory exists before any rank starts a variant in it
  fmt::print("{}\nrun directory: {}\n", summary(spec), dir.string());
  install_stop_handlers();
  VariantRunOptions run_options{fs::canonical("/proc/self/exe"), global.plugin_path, options.jobs,
                                options.threads, here};
  const auto outcomes = run_variants(spec, dir, run_options);
  world.idle_barrier();  // ranks done with their variants wait without taking a core
  std::vector<int> statuses = merged_statuses(world, outcomes);
  // Variants of other jobs may have finished meanwhile; the last job to finish sees them all.
  for (std::size_t i = 0; i < statuses.size(); ++i)
    if (statuses[i] == kNotRunHere &&
        variant_finished(dir / "variants" / spec.variants[i].name, spec.stages.size()))
      statuses[i] = 0;
  if (world.any(stop_requested()))
    throw Interrupted(fmt::format("stopped; continue with: neuralrg run --resume {}{}",
                                  dir.string(),
                                  options.variant.empty() ? "" : " --variant " + options.variant));
  if (!world.is_root()) return 0;
  std::vector<std::string> failed;
  std::vector<std::string> pending;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i] == kNotRunHere) pending.push_back(spec.variants[i].name);
    if (statuses[i] > 0) failed.push_back(spec.variants[i].name);
  }
  if (pending.empty())
    write_comparison_of(dir, spec, registry, statuses);
  else
    fmt::print(
        "variants still to run: {}; the last to finish writes the comparison (or: "
        "neuralrg report {})\n",
        fmt::join(pending, ", "), dir.string());
  if (!failed.empty()) {
    fmt::print(stderr, "error: variants failed: {} (their logs are in {})\n",
               fmt::join(failed, ", "), (dir / "variants").string());
    return kExitFailure;
  }
  return 0;
}

}  // namespace neuralrg::cli
