// A warm tape through the block plugins does not touch the heap (the arena holds every value,
// adjoint and saved temporary), in both directions.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>

#include "support/plugins.hpp"

#if !defined(__SANITIZE_ADDRESS__)
// Counts every malloc in this process (operator new and Eigen both end in malloc).
namespace {
std::atomic<long> g_malloc_calls{0};
}
extern "C" void* __libc_malloc(std::size_t);
extern "C" void* malloc(std::size_t n) {
  g_malloc_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
#define NEURALRG_COUNT_MALLOC 1
#endif

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
    const long before = g_malloc_calls.load();
#endif
    for (int i = 0; i < 3; ++i) {
      step(false);
      step(true);
    }
#ifdef NEURALRG_COUNT_MALLOC
    CHECK(g_malloc_calls.load() - before == 0);
#endif
    CHECK(tape.arena_blocks() == blocks);
  }
}
