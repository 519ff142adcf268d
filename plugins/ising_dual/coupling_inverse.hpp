// (K + aI)⁻¹ on the periodic L×L lattice, applied by FFT: K + aI is circulant, so its inverse is
// diagonal in Fourier space with entries 1/(β(2cos k_x + 2cos k_y) + a). O(N log N) per sample.
#pragma once

#include <neuralrg/neuralrg.hpp>

namespace ising_dual {

class CouplingInverse final : public neuralrg::LinearOperator {
 public:
  CouplingInverse(int L, double beta, double offset);
  void apply(const neuralrg::ConstMatrixMap& in, neuralrg::MatrixMap out) const override;

 private:
  int L_;
  std::vector<neuralrg::Scalar> inverse_eigenvalue_;  // [p·L + q]
};

}  // namespace ising_dual
