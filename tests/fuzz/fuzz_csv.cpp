// Fuzz target: bytes read as the CSV files a resumed run and the reports read back (a table with
// a header, and a headerless grid of numbers). Malformed files are refused with
// std::runtime_error naming the file and line; anything else escaping, or a crash, is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_input_file.hpp"
#include "util/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const neuralrg::fuzz::ScratchFile file(neuralrg::fuzz::as_text(data, size), ".csv");
  try {
    const neuralrg::CsvTable table = neuralrg::read_csv(file.path());
    for (const auto& name : table.header) table.numbers(name);
  } catch (const std::runtime_error&) {
  }
  try {
    neuralrg::read_csv_matrix(file.path());
  } catch (const std::runtime_error&) {
  }
  return 0;
}
