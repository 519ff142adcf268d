// comparison.csv and comparison.html of a pipeline's variants, side by side.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace neuralrg::report {

struct VariantRow {
  std::string name;
  std::string group;          ///< Runs of one group differ only in their seed.
  std::filesystem::path dir;  ///< The variant's run directory.
  int status;                 ///< Exit status of its run (0 = completed).
  long long parameters;       ///< Trainable parameters of its flow.
};

/// Reads each variant's metrics.csv and observables.csv and writes run_dir/comparison.csv and
/// run_dir/comparison.html (atomically). Returns the number of figures drawn.
int write_comparison(const std::filesystem::path& run_dir, const std::string& title,
                     const std::vector<VariantRow>& variants);

}  // namespace neuralrg::report
