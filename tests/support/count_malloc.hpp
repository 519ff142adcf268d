// Counts every malloc of the test process (operator new and Eigen both end in malloc), to check
// that warm tapes do not touch the heap. Replaces the global malloc: include it in exactly one
// source file of a test executable. Off under AddressSanitizer, which owns malloc; then
// NEURALRG_COUNT_MALLOC is not defined and the checks that need it are skipped.
#pragma once

#include <atomic>
#include <cstdlib>

#if !defined(__SANITIZE_ADDRESS__)
namespace neuralrg::test {
inline std::atomic<long> malloc_calls{0};
}
extern "C" void* __libc_malloc(std::size_t);
extern "C" void* malloc(std::size_t n) {
  neuralrg::test::malloc_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
#define NEURALRG_COUNT_MALLOC 1
#endif
