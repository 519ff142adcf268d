// Scalar and matrix types shared by the host and every plugin.
#pragma once

#include <Eigen/Core>

/// The floating-point type of every tensor. Changing this one line (or configuring with
/// -DNEURALRG_SCALAR=float) gives a single-precision build; the plugin ABI tag records it.
#ifndef NEURALRG_SCALAR
#define NEURALRG_SCALAR double
#endif

namespace neuralrg {

/// The floating-point type of every value, adjoint and parameter.
using Scalar = NEURALRG_SCALAR;

/// Index and size type (Eigen's signed index).
using Index = Eigen::Index;

/// A dense matrix. Rows are samples (or sample×block), columns are features, stored column-major:
/// each feature is one contiguous run over all samples, so elementwise ops and the small dense
/// layers of the block networks vectorise along the (long) sample dimension.
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// A row vector (1×n), e.g. a bias or a coupling mask.
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

/// A view of matrix memory owned elsewhere (the tape's arena, a parameter).
using MatrixMap = Eigen::Map<Matrix>;

/// A read-only view of matrix memory owned elsewhere.
using ConstMatrixMap = Eigen::Map<const Matrix>;

}  // namespace neuralrg
