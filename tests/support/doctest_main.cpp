// The test runner, honouring $NEURALRG_ISA like the CLI does, so that any suite can be run at a
// lower instruction-set level: NEURALRG_ISA=x86-64 ctest ...
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <exception>

#include "util/isa.hpp"

int main(int argc, char** argv) {
  try {
    neuralrg::apply_requested_isa_level(argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return doctest::Context(argc, argv).run();
}
