// A warm tape through the block plugins does not touch the heap (the arena holds every value,
// adjoint and saved temporary), in both directions.
#include <doctest/doctest.h>

#include "support/count_malloc.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

TEST_CASE("a warm tape through a block plugin performs no heap allocation") {
  for (const char* yaml : {"{plugin: realnvp}", "{plugin: spline}", "{plugin: wavelet_linear}"}) {
    CAPTURE(std::string(yaml));
    auto block = test::make_bijector(yaml, 4);
    const Matrix x = 3 * test::random_matrix(64, 4, 11);  // inside and beyond a spline's ±5
    Tape tape;
    auto step = [&](bool inverse) {
      tape.reset();
      Var in = tape.input(x);
      Transformed t = inverse ? block->inverse(in) : block->forward(in);
      tape.backward(mean(add(row_sum(square(t.value)), t.log_det)));
    };
    step(false);
    step(true);
    const std::size_t blocks = tape.arena_blocks();
#ifdef NEURALRG_COUNT_MALLOC
    const long before = test::malloc_calls.load();
#endif
    for (int i = 0; i < 3; ++i) {
      step(false);
      step(true);
    }
#ifdef NEURALRG_COUNT_MALLOC
    CHECK(test::malloc_calls.load() - before == 0);
#endif
    CHECK(tape.arena_blocks() == blocks);
  }
}
