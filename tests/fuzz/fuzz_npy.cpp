// Fuzz target: bytes read as the .npy files the report and `init: file` read back (a 1-D series,
// a 2-D array of configurations). Anything that is not such an array must give nullopt or a
// std::runtime_error naming the file; a crash, another exception or a huge allocation is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_input_file.hpp"
#include "util/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const neuralrg::fuzz::ScratchFile file(neuralrg::fuzz::as_text(data, size), ".npy");
  (void)neuralrg::read_npy_vector(file.path());
  try {
    (void)neuralrg::read_npy_matrix(file.path());
  } catch (const std::runtime_error&) {
  }
  return 0;
}
