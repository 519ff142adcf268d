#include "coupling_power.hpp"

#include <cmath>

#include <complex>
#include <numbers>
#include <unsupported/Eigen/FFT>

namespace ising_dual {

using namespace neuralrg;

CouplingPower::CouplingPower(int L, double beta, double offset, double power)
    : L_(L), multiplier_(static_cast<std::size_t>(L) * L) {
  for (int p = 0; p < L; ++p)
    for (int q = 0; q < L; ++q)
      multiplier_[p * L + q] =
          static_cast<Scalar>(std::pow(beta * (2 * std::cos(2 * std::numbers::pi * p / L) +
                                               2 * std::cos(2 * std::numbers::pi * q / L)) +
                                           offset,
                                       power));
}

void CouplingPower::apply(const ConstMatrixMap& in, MatrixMap out) const {
  // In the build's Scalar, like the rest of the energy.
  using Complex = std::complex<Scalar>;
  const int L = L_;
  // Per-thread plans and buffers: Eigen's FFT caches plans in a map that is not thread-safe, and
  // reusing the buffers keeps the tape's path free of heap allocation once warm.
  thread_local Eigen::FFT<Scalar> fft;
  thread_local std::vector<Complex> grid, transposed, line_in, line_out;
  grid.resize(static_cast<std::size_t>(L) * L);
  transposed.resize(grid.size());
  line_in.resize(L);
  line_out.resize(L);
  // Two rows per transform, one as the real and one as the imaginary part: the Fourier
  // multiplier is real, so the operator maps the real and imaginary parts separately, and one
  // complex transform does the work of two.
  for (Index r = 0; r < in.rows(); r += 2) {
    const bool pair = r + 1 < in.rows();
    for (int s = 0; s < L * L; ++s) grid[s] = Complex(in(r, s), pair ? in(r + 1, s) : Scalar(0));
    // Rows, then columns (as rows of the transpose), then the diagonal multiply, and back.
    for (int i = 0; i < L; ++i) {
      fft.fwd(line_out.data(), grid.data() + i * L, L);
      for (int j = 0; j < L; ++j) transposed[j * L + i] = line_out[j];
    }
    for (int j = 0; j < L; ++j) {
      fft.fwd(line_out.data(), transposed.data() + j * L, L);
      for (int p = 0; p < L; ++p) line_out[p] *= multiplier_[p * L + j];
      fft.inv(transposed.data() + j * L, line_out.data(), L);
    }
    for (int i = 0; i < L; ++i) {
      for (int j = 0; j < L; ++j) line_in[j] = transposed[j * L + i];
      fft.inv(line_out.data(), line_in.data(), L);
      for (int j = 0; j < L; ++j) {
        out(r, i * L + j) = line_out[j].real();
        if (pair) out(r + 1, i * L + j) = line_out[j].imag();
      }
    }
  }
}

}  // namespace ising_dual
