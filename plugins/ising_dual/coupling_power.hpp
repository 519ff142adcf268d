// (K + aI)^p on the periodic L×L lattice, applied by FFT: K + aI is circulant, so its powers are
// diagonal in Fourier space with entries (β(2cos k_x + 2cos k_y) + a)^p. O(N log N) per sample.
// The energy needs p = −1; drawing x given spins (the cluster sampler) needs p = 1 and p = ½.
#pragma once

#include <neuralrg/neuralrg.hpp>

namespace ising_dual {

class CouplingPower final : public neuralrg::LinearOperator {
 public:
  CouplingPower(int L, double beta, double offset, double power);
  void apply(const neuralrg::ConstMatrixMap& in, neuralrg::MatrixMap out) const override;

 private:
  int L_;
  std::vector<neuralrg::Scalar> multiplier_;  // [p·L + q]
};

}  // namespace ising_dual
