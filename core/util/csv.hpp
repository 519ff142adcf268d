// Reading the small CSV files stages write (metrics, observables, analysis grids).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neuralrg/types.hpp"

namespace neuralrg {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::optional<std::size_t> column(std::string_view name) const;
  /// The column as numbers (NaN for empty or non-numeric cells); empty if there is no such column.
  std::vector<double> numbers(std::string_view name) const;
};

/// A CSV file with a header line. Throws std::runtime_error naming the file and line of a row
/// whose cell count differs from the header's. A last row without its newline is left out: it is
/// what a crash during an append leaves (metrics.csv), and may be cut inside a number.
CsvTable read_csv(const std::filesystem::path& file);

/// A headerless grid of numbers (one matrix row per line), e.g. a response map.
Matrix read_csv_matrix(const std::filesystem::path& file);
/// The text of such a grid, to ten significant digits (pictures and maps, not checkpoints).
std::string csv_matrix_text(const Matrix& m);

}  // namespace neuralrg
