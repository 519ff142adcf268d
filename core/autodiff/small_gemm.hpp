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

}  // namespace neuralrg::detail
