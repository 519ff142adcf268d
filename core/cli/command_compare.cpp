// neuralrg compare RUN_DIR... --out DIR: the comparison page of any finished runs. Runs whose
// configurations differ only in seed and name are repeats of one variant and are averaged.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "cli/command_support.hpp"
#include "cli/commands.hpp"
#include "config/yaml_document.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/run_directory.hpp"
#include "report/comparison_report.hpp"
#include "util/json.hpp"

namespace neuralrg::cli {
namespace fs = std::filesystem;

namespace {

// The configuration without what repeats of one variant may differ in.
std::string variant_key(Value config) {
  std::erase_if(config.entries,
                [](const auto& e) { return e.first == "seed" || e.first == "name"; });
  return to_yaml(config);
}

long long parameters_of(const fs::path& run) {
  const fs::path file = run / "summary.json";
  if (!fs::exists(file)) return 0;
  std::ifstream in(file);
  const Json summary = Json::parse(in, nullptr, false);
  return summary.is_object() && summary.contains("parameters") &&
                 summary["parameters"].is_number_integer()
             ? summary["parameters"].get<long long>()
             : 0;
}

// Two differently configured runs may share a directory name in different parents (a/mera,
// b/mera): their groups must stay apart in the table.
std::string unique_label(const std::string& wanted, const std::vector<std::string>& labels) {
  std::string label = wanted;
  for (int n = 2; std::find(labels.begin(), labels.end(), label) != labels.end(); ++n)
    label = fmt::format("{}#{}", wanted, n);
  return label;
}

// "runs/a/", "runs/./a" and "." name the run by its directory's own name.
fs::path run_path(const fs::path& given) {
  fs::path path = fs::absolute(given).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  return path;
}

report::VariantRow row_of(const fs::path& run, std::vector<std::string>& keys,
                          std::vector<std::string>& labels) {
  if (!fs::exists(run / "config.yaml"))
    throw std::runtime_error(fmt::format("{}: not a run directory (no config.yaml)", run.string()));
  const Value config = load_yaml_file(run / "config.yaml");
  if (has_variants(config))
    throw std::runtime_error(fmt::format(
        "{} holds variants, compared in its own comparison.html; pass its runs ({}/variants/*/)",
        run.string(), run.string()));
  const Value* stages = config.find("stages");
  const bool finished = stages && completed_stages(run).size() == stages->items.size();
  const std::string name = run.filename().string();
  const std::string key = variant_key(config);
  const auto known = std::find(keys.begin(), keys.end(), key);
  if (known == keys.end()) {
    keys.push_back(key);
    labels.push_back(
        unique_label(std::regex_replace(name, std::regex("-seed[0-9]+$"), ""), labels));
  }
  const std::string& group =
      labels[static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin())];
  return {name, group, run, finished ? 0 : 1, parameters_of(run)};
}

}  // namespace

int compare_runs(const std::vector<fs::path>& runs, const fs::path& out) {
  return guarded([&] {
    std::vector<report::VariantRow> rows;
    std::vector<std::string> keys, labels;
    for (const auto& run : runs) rows.push_back(row_of(run_path(run), keys, labels));
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (rows[i].name == rows[j].name)
          throw std::runtime_error(
              fmt::format("{} and {} have the same name; the comparison names runs by directory",
                          rows[j].dir.string(), rows[i].dir.string()));
    fs::create_directories(out);
    const int figures = report::write_comparison(out, "runs", rows);
    fmt::print("comparison of {} runs ({} variants): {} and {} ({} figures)\n", rows.size(),
               keys.size(), (out / "comparison.csv").string(), (out / "comparison.html").string(),
               figures);
    return 0;
  });
}

}  // namespace neuralrg::cli
