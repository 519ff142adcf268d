// report.html of a run directory: everything its stages wrote, as inline SVG figures.
#pragma once

#include <filesystem>
#include <string>

namespace neuralrg::report {

/// Reads what the stages left in `run_dir` (config.yaml, plugins.json, metrics.csv,
/// observables.csv, analysis/) and writes run_dir/report.html atomically. Sections whose files
/// are missing are left out. Returns the number of figures drawn.
int write_run_report(const std::filesystem::path& run_dir, const std::string& title);

/// One figure of a report page: an SVG with its caption.
std::string figure_html(const std::string& svg, const std::string& caption);

/// The page skeleton every report shares: a title, inline CSS, and `body`.
std::string html_page(const std::string& title, const std::string& body);

}  // namespace neuralrg::report
