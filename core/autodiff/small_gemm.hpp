// C(:, n) (+)= Σ_k B(n, k) · A(:, k) for column-major A (rows × K) and C (rows × N) with small K
// and N: the dense layers of the block networks, where rows (samples × blocks) is long and the
// widths are ~10. Eigen's general GEMM spends most of its time packing at these shapes; this
// kernel streams each column once per pair of outputs and keeps the accumulators in registers.
#pragma once

#include "neuralrg/types.hpp"

namespace neuralrg::detail {

/// What to apply to each result before it is stored (only when not accumulating): fusing the
/// activation saves a pass over the output.
enum class Epilogue { None, Elu, Tanh };

/// B(n, k) is read at b[n * b_n + k * b_k], so both W and Wᵀ can be passed without copying.
/// If `accumulate` is false, C is overwritten (after adding bias[n] when bias is not null) and
/// `epilogue` is applied.
void small_gemm(const Scalar* a, Index rows, Index K, const Scalar* b, Index b_n, Index b_k,
                Index N, Scalar* c, bool accumulate, const Scalar* bias,
                Epilogue epilogue = Epilogue::None);

/// G(j, k) += Σ_r A(r, j) · B(r, k) for column-major A (rows × J), B (rows × K) and G (J × K):
/// the weight gradient of a dense layer. Tiles of 2 × 5 outputs stay in registers over all rows,
/// so each column is streamed J/2 + K/5 times instead of once per output.
void small_gemm_tn(const Scalar* a, Index rows, Index J, const Scalar* b, Index K, Scalar* g);

}  // namespace neuralrg::detail
