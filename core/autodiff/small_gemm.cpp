#include "autodiff/small_gemm.hpp"

#include <algorithm>
#include <cstring>

namespace neuralrg::detail {
namespace {

// GCC/Clang vector extension: four scalars, lowered to whatever SIMD width the target has.
typedef Scalar Vec __attribute__((vector_size(4 * sizeof(Scalar))));
constexpr Index kLanes = 4;
constexpr Index kVecs = 4;  // vectors per output column per block
constexpr Index kRowBlock = kLanes * kVecs;

inline Vec load(const Scalar* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(Vec));
  return v;
}
inline void store(Scalar* p, Vec v) { std::memcpy(p, &v, sizeof(Vec)); }
inline Vec splat(Scalar s) { return Vec{s, s, s, s}; }

// Two output columns per pass share every load of A; eight accumulators stay in registers.
template <bool Accumulate>
inline void two_columns_block(const Scalar* __restrict a, Index rows, Index K,
                              const Scalar* w0, const Scalar* w1, Index b_k,
                              Scalar* __restrict c0, Scalar* __restrict c1, Scalar init0,
                              Scalar init1) {
  Vec acc0[kVecs], acc1[kVecs];
  for (Index v = 0; v < kVecs; ++v) {
    acc0[v] = Accumulate ? load(c0 + v * kLanes) : splat(init0);
    acc1[v] = Accumulate ? load(c1 + v * kLanes) : splat(init1);
  }
  for (Index k = 0; k < K; ++k) {
    const Scalar* col = a + k * rows;
    const Vec x0 = splat(w0[k * b_k]), x1 = splat(w1[k * b_k]);
    for (Index v = 0; v < kVecs; ++v) {
      const Vec in = load(col + v * kLanes);
      acc0[v] += x0 * in;
      acc1[v] += x1 * in;
    }
  }
  for (Index v = 0; v < kVecs; ++v) {
    store(c0 + v * kLanes, acc0[v]);
    store(c1 + v * kLanes, acc1[v]);
  }
}

template <bool Accumulate>
inline void one_column_block(const Scalar* __restrict a, Index rows, Index K, const Scalar* w0,
                             Index b_k, Scalar* __restrict c0, Scalar init0) {
  Vec acc0[kVecs];
  for (Index v = 0; v < kVecs; ++v) acc0[v] = Accumulate ? load(c0 + v * kLanes) : splat(init0);
  for (Index k = 0; k < K; ++k) {
    const Scalar* col = a + k * rows;
    const Vec x0 = splat(w0[k * b_k]);
    for (Index v = 0; v < kVecs; ++v) acc0[v] += x0 * load(col + v * kLanes);
  }
  for (Index v = 0; v < kVecs; ++v) store(c0 + v * kLanes, acc0[v]);
}

// Leftover rows (fewer than a block), one at a time.
void tail_rows(const Scalar* a, Index rows, Index r0, Index K, const Scalar* b, Index b_n,
               Index b_k, Index N, Scalar* c, bool accumulate, const Scalar* bias) {
  for (Index n = 0; n < N; ++n)
    for (Index r = r0; r < rows; ++r) {
      Scalar acc = accumulate ? c[n * rows + r] : (bias ? bias[n] : Scalar(0));
      for (Index k = 0; k < K; ++k) acc += b[n * b_n + k * b_k] * a[k * rows + r];
      c[n * rows + r] = acc;
    }
}

template <bool Accumulate>
void blocks(const Scalar* a, Index rows, Index K, const Scalar* b, Index b_n, Index b_k, Index N,
            Scalar* c, const Scalar* bias) {
  const Index full = rows / kRowBlock * kRowBlock;
  for (Index r0 = 0; r0 < full; r0 += kRowBlock) {
    Index n = 0;
    for (; n + 1 < N; n += 2)
      two_columns_block<Accumulate>(a + r0, rows, K, b + n * b_n, b + (n + 1) * b_n, b_k,
                                    c + n * rows + r0, c + (n + 1) * rows + r0,
                                    bias ? bias[n] : Scalar(0), bias ? bias[n + 1] : Scalar(0));
    if (n < N)
      one_column_block<Accumulate>(a + r0, rows, K, b + n * b_n, b_k, c + n * rows + r0,
                                   bias ? bias[n] : Scalar(0));
  }
  if (full < rows) tail_rows(a, rows, full, K, b, b_n, b_k, N, c, Accumulate, bias);
}

}  // namespace

void small_gemm(const Scalar* a, Index rows, Index K, const Scalar* b, Index b_n, Index b_k,
                Index N, Scalar* c, bool accumulate, const Scalar* bias) {
  if (accumulate)
    blocks<true>(a, rows, K, b, b_n, b_k, N, c, bias);
  else
    blocks<false>(a, rows, K, b, b_n, b_k, N, c, bias);
}

}  // namespace neuralrg::detail
