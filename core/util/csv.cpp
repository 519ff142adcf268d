#include "util/csv.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace neuralrg {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

double to_number(const std::string& cell) {
  if (cell.empty()) return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size() ? v : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

std::vector<double> CsvTable::numbers(std::string_view name) const {
  std::vector<double> out;
  const auto c = column(name);
  if (!c) return out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(to_number(row[*c]));
  return out;
}

CsvTable read_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", file.string()));
  CsvTable table;
  std::string line;
  if (std::getline(in, line)) table.header = split(line);
  for (int number = 2; std::getline(in, line); ++number) {
    // No newline after it: a row an interrupted append (AppendFile) left incomplete, not data.
    if (in.eof()) break;
    if (line.empty()) continue;
    auto cells = split(line);
    if (cells.size() != table.header.size())
      throw std::runtime_error(fmt::format("{}:{}: expected {} cells as in the header, got {}",
                                           file.string(), number, table.header.size(),
                                           cells.size()));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

Matrix read_csv_matrix(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", file.string()));
  std::vector<std::vector<double>> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<double> row;
    for (const auto& cell : split(line)) row.push_back(to_number(cell));
    if (!rows.empty() && row.size() != rows.front().size())
      throw std::runtime_error(fmt::format("{}:{}: expected {} numbers, got {}", file.string(),
                                           number, rows.front().size(), row.size()));
    rows.push_back(std::move(row));
  }
  Matrix m(static_cast<Index>(rows.size()), rows.empty() ? 0 : static_cast<Index>(rows[0].size()));
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c)
      m(r, c) = rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
  return m;
}

std::string csv_matrix_text(const Matrix& m) {
  std::string out;
  for (Index r = 0; r < m.rows(); ++r) {
    for (Index c = 0; c < m.cols(); ++c) out += fmt::format("{}{:.10g}", c ? "," : "", m(r, c));
    out += '\n';
  }
  return out;
}

}  // namespace neuralrg
