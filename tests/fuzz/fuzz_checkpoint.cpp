// Fuzz target: bytes read as a checkpoint file. The reader refuses damaged files with
// std::runtime_error naming the file; anything else escaping (bad_alloc from a header that
// declares huge tensors, a crash, a read past the data) is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_input_file.hpp"
#include "pipeline/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const neuralrg::fuzz::ScratchFile file(neuralrg::fuzz::as_text(data, size), ".ckpt");
  try {
    neuralrg::read_checkpoint(file.path());
  } catch (const std::runtime_error&) {
  }
  return 0;
}
