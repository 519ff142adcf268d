#include "autodiff/small_gemm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <type_traits>

#if defined(__AVX__)
#include <immintrin.h>
#endif

// Below AVX, GCC warns that passing a 32-byte vector by value has no fixed ABI: these helpers are
// internal to this file (and inlined), so no such call crosses a library boundary.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace neuralrg::detail {
namespace {

// GCC/Clang vector extension: one AVX register of scalars (4 doubles or 8 floats), lowered to
// whatever SIMD width the target has.
constexpr Index kLanes = 32 / sizeof(Scalar);
typedef Scalar Vec __attribute__((vector_size(kLanes * sizeof(Scalar))));
constexpr Index kVecs = 4;  // vectors per output column per block
constexpr Index kRowBlock = kLanes * kVecs;
constexpr bool kDouble = sizeof(Scalar) == 8;
static_assert(sizeof(Scalar) == 8 || sizeof(Scalar) == 4, "Scalar must be double or float");

// Integers of the scalar's width, to assemble 2^n in the exponent bits.
using Bits = std::conditional_t<kDouble, long long, int>;
typedef Bits VecI __attribute__((vector_size(sizeof(Vec))));

inline Vec load(const Scalar* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(Vec));
  return v;
}
inline void store(Scalar* p, Vec v) {
  std::memcpy(p, &v, sizeof(Vec));
}
// A broadcast: s − 0 is s for every s, so GCC emits a plain broadcast (s + 0 is not s for s = −0,
// which kept a scalar add per call; a per-lane loop went through the stack, 25 % slower).
inline Vec splat(Scalar s) {
  return s - Vec{};
}

// max(v, lo) and min(v, hi) that keep a NaN in v (so a diverging step still shows as a non-finite
// loss). GCC keeps `v < lo ? lo : v` as compare + blend, since the select differs from maxpd for
// −0; maxpd returns its second operand when unordered, so v goes second.
#if defined(__AVX__)
inline Vec at_least(Vec v, Vec lo) {
  if constexpr (kDouble)
    return (Vec)_mm256_max_pd((__m256d)lo, (__m256d)v);
  else
    return (Vec)_mm256_max_ps((__m256)lo, (__m256)v);
}
inline Vec at_most(Vec v, Vec hi) {
  if constexpr (kDouble)
    return (Vec)_mm256_min_pd((__m256d)hi, (__m256d)v);
  else
    return (Vec)_mm256_min_ps((__m256)hi, (__m256)v);
}
#else
inline Vec at_least(Vec v, Vec lo) {
  return v < lo ? lo : v;
}
inline Vec at_most(Vec v, Vec hi) {
  return v > hi ? hi : v;
}
#endif

// The range of x for which e^x is a finite normal number (callers clamp to it).
constexpr Scalar kExpLow = kDouble ? -708.0 : -87.0;
constexpr Scalar kExpHigh = kDouble ? 709.0 : 88.0;

// e^r for |r| ≤ ln 2 / 2, Horner from the highest coefficient. Double: a degree-11 Chebyshev fit
// (3e-18 from e^r, below the rounding of its evaluation). Float: a degree-5 fit minimising the
// relative error with e^0 = 1 exact (9e-8 from e^r, 1.5e-7 = 1.25 ulp after rounding; degree 6
// gave 0.6 ulp for one more FMA in the hottest loop of a flow pass).
constexpr double kExpDouble[] = {2.5110037721946562e-08,
                                 2.7632639789868395e-07,
                                 2.7557240918265525e-06,
                                 2.480148548192088e-05,
                                 0.00019841269890047406,
                                 0.0013888888952315155,
                                 0.008333333333319601,
                                 0.04166666666648809,
                                 0.1666666666666668,
                                 0.5000000000000019,
                                 1.0,
                                 1.0};
constexpr double kExpFloat[] = {0.008290309458971024, 0.04189791902899742, 0.1666763573884964,
                                0.4999915063381195,   0.9999997019767761,  1.0};

constexpr auto& exp_coefficients() {
  if constexpr (kDouble)
    return kExpDouble;
  else
    return kExpFloat;
}

// e^x (or e^x − 1, rounded once) in place for M vectors with x in [kExpLow, kExpHigh]: x = n ln 2 +
// r, e^r by the polynomial above, 2^n assembled in the exponent bits. No division, so it runs at
// FMA speed where Eigen's Padé form waits on a divide. The ELU layers make this the hottest code of
// a flow pass: one vector's Horner chain is a dozen dependent FMAs, so M independent chains advance
// side by side.
template <int M, bool MinusOne = false>
inline void vexp(Vec (&x)[M]) {
  // Adding 1.5·2^(mantissa bits) rounds to an integer; the extra exponent bias leaves n + bias in
  // the low mantissa bits.
  constexpr int kMantissa = kDouble ? 52 : 23;
  constexpr Scalar kRound = kDouble ? 6755399441055744.0 : 12582912.0f;
  constexpr Scalar kBias = kDouble ? 1023 : 127;
  // ln 2 split in a high part exact in n·hi and a low correction (Cody–Waite).
  constexpr Scalar kLn2High = kDouble ? 0.6931471803691238 : 0.693359375f;
  constexpr Scalar kLn2Low = kDouble ? 1.9082149292705877e-10 : -2.12194440e-4f;
  const Vec shifter = splat(kRound + kBias);
  constexpr auto& coefficients = exp_coefficients();
  Vec shifted[M], r[M], p[M];
  for (int m = 0; m < M; ++m) {
    shifted[m] = x[m] * splat(Scalar(1.4426950408889634)) + shifter;
    const Vec n = shifted[m] - shifter;
    r[m] = (x[m] - n * splat(kLn2High)) - n * splat(kLn2Low);
    p[m] = splat(Scalar(coefficients[0]));
  }
  for (std::size_t i = 1; i < std::size(coefficients); ++i)
    for (int m = 0; m < M; ++m) p[m] = p[m] * r[m] + splat(Scalar(coefficients[i]));
  // AVX2 has no vector double → int64 conversion (it would run lane by lane); n + bias already
  // sits in the low mantissa bits of `shifted`, so an integer subtraction extracts it.
  for (int m = 0; m < M; ++m) {
    const VecI bits = ((VecI)shifted[m] - (VecI)splat(kRound)) << kMantissa;
    x[m] = MinusOne ? p[m] * (Vec)bits - splat(1.0) : p[m] * (Vec)bits;
  }
}

template <Epilogue E, int M>
inline void epilogue(Vec (&v)[M]) {
  if constexpr (E == Epilogue::Elu) {  // max(v, 0) + e^{min(v, 0)} − 1
    const Vec zero = splat(0.0);
    Vec e[M];
    for (int m = 0; m < M; ++m) e[m] = at_least(at_most(v[m], zero), splat(kExpLow));
    vexp<M, true>(e);
    for (int m = 0; m < M; ++m) v[m] = at_least(v[m], zero) + e[m];
  } else if constexpr (E == Epilogue::Tanh) {
    Vec e[M];
    for (int m = 0; m < M; ++m)
      e[m] = at_most(at_least(splat(2) * v[m], splat(kExpLow)), splat(kExpHigh));
    vexp(e);
    for (int m = 0; m < M; ++m) v[m] = splat(1.0) - splat(2.0) / (e[m] + splat(1.0));
  }
}

// Applied to a finished block from L1 rather than to the accumulators in registers: the exp's
// constants and temporaries no longer compete with eight live accumulators, which spilled.
template <Epilogue E>
void epilogue_block(Scalar* c, Index rows, Index N) {
  for (Index n = 0; n < N; ++n) {
    Vec v[kVecs];
    for (Index i = 0; i < kVecs; ++i) v[i] = load(c + n * rows + i * kLanes);
    epilogue<E>(v);
    for (Index i = 0; i < kVecs; ++i) store(c + n * rows + i * kLanes, v[i]);
  }
}

inline Scalar epilogue(Scalar v, Epilogue e) {
  switch (e) {
    case Epilogue::None:
      return v;
    case Epilogue::Elu:
      return v > 0 ? v : std::expm1(v);
    case Epilogue::Tanh:
      return std::tanh(v);
  }
  return v;
}

// Two output columns per pass share every load of A; eight accumulators stay in registers.
template <bool Accumulate>
inline void two_columns_block(const Scalar* __restrict a, Index rows, Index K, const Scalar* w0,
                              const Scalar* w1, Index b_k, Scalar* __restrict c0,
                              Scalar* __restrict c1, Scalar init0, Scalar init1) {
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
               Index b_k, Index N, Scalar* c, bool accumulate, const Scalar* bias, Epilogue e) {
  for (Index n = 0; n < N; ++n)
    for (Index r = r0; r < rows; ++r) {
      Scalar acc = accumulate ? c[n * rows + r] : (bias ? bias[n] : Scalar(0));
      for (Index k = 0; k < K; ++k) acc += b[n * b_n + k * b_k] * a[k * rows + r];
      c[n * rows + r] = accumulate ? acc : epilogue(acc, e);
    }
}

template <bool Accumulate>
void blocks(const Scalar* a, Index rows, Index K, const Scalar* b, Index b_n, Index b_k, Index N,
            Scalar* c, const Scalar* bias, Epilogue e) {
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
    if (e == Epilogue::Elu) epilogue_block<Epilogue::Elu>(c + r0, rows, N);
    if (e == Epilogue::Tanh) epilogue_block<Epilogue::Tanh>(c + r0, rows, N);
  }
  if (full < rows) tail_rows(a, rows, full, K, b, b_n, b_k, N, c, Accumulate, bias, e);
}

// Pairwise, so a double build adds (0 + 1) + (2 + 3) as it always has.
inline Scalar horizontal_sum(Vec v) {
  Scalar s[kLanes];
  std::memcpy(s, &v, sizeof(Vec));
  for (Index width = kLanes / 2; width > 0; width /= 2)
    for (Index lane = 0; lane < width; ++lane) s[lane] = s[2 * lane] + s[2 * lane + 1];
  return s[0];
}

// One JT × KT tile of G = Aᵀ·B, accumulated in vectors over all full vectors of rows, then
// reduced across lanes; the leftover rows are added one at a time.
template <int JT, int KT>
void tn_tile(const Scalar* a, Index rows, const Scalar* b, Index j0, Index k0, Index J, Scalar* g) {
  Vec acc[JT][KT];
  for (int j = 0; j < JT; ++j)
    for (int k = 0; k < KT; ++k) acc[j][k] = splat(0.0);
  const Index full = rows / kLanes * kLanes;
  for (Index r = 0; r < full; r += kLanes) {
    Vec av[JT];
    for (int j = 0; j < JT; ++j) av[j] = load(a + (j0 + j) * rows + r);
    for (int k = 0; k < KT; ++k) {
      const Vec bv = load(b + (k0 + k) * rows + r);
      for (int j = 0; j < JT; ++j) acc[j][k] += av[j] * bv;
    }
  }
  for (int j = 0; j < JT; ++j)
    for (int k = 0; k < KT; ++k) {
      Scalar sum = horizontal_sum(acc[j][k]);
      for (Index r = full; r < rows; ++r) sum += a[(j0 + j) * rows + r] * b[(k0 + k) * rows + r];
      g[(j0 + j) + (k0 + k) * J] += sum;
    }
}

template <int JT>
void tn_row_of_tiles(const Scalar* a, Index rows, const Scalar* b, Index K, Index j0, Index J,
                     Scalar* g) {
  using Tile = void (*)(const Scalar*, Index, const Scalar*, Index, Index, Index, Scalar*);
  constexpr Tile kNarrower[] = {nullptr, tn_tile<JT, 1>, tn_tile<JT, 2>, tn_tile<JT, 3>,
                                tn_tile<JT, 4>};
  Index k0 = 0;
  for (; k0 + 5 <= K; k0 += 5) tn_tile<JT, 5>(a, rows, b, j0, k0, J, g);
  if (k0 < K) kNarrower[K - k0](a, rows, b, j0, k0, J, g);
}

}  // namespace

void small_gemm_tn(const Scalar* a, Index rows, Index J, const Scalar* b, Index K, Scalar* g) {
  Index j0 = 0;
  for (; j0 + 2 <= J; j0 += 2) tn_row_of_tiles<2>(a, rows, b, K, j0, J, g);
  if (j0 < J) tn_row_of_tiles<1>(a, rows, b, K, j0, J, g);
}

void small_gemm(const Scalar* a, Index rows, Index K, const Scalar* b, Index b_n, Index b_k,
                Index N, Scalar* c, bool accumulate, const Scalar* bias, Epilogue e) {
  if (accumulate)
    blocks<true>(a, rows, K, b, b_n, b_k, N, c, bias, Epilogue::None);
  else
    blocks<false>(a, rows, K, b, b_n, b_k, N, c, bias, e);
}

}  // namespace neuralrg::detail
