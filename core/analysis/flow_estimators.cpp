#include "analysis/flow_estimators.hpp"

#include <algorithm>
#include <cmath>

namespace neuralrg::analysis {
namespace {

constexpr Index kChunkRows = 64;  // rows per tape: bounds memory at any lattice size

}  // namespace

Matrix orient_and_invert(const Flow& flow, Matrix& x, Rng& rng, Eigen::VectorXd& log_q) {
  Matrix z(x.rows(), x.cols());
  log_q.resize(x.rows());
  Tape tape;
  for (Index begin = 0; begin < x.rows(); begin += kChunkRows) {
    const Index rows = std::min(kChunkRows, x.rows() - begin);
    tape.reset();
    tape.freeze_parameters(true);
    const Matrix block = x.middleRows(begin, rows);
    const Transformed plus = flow.inverse(tape.constant(block));
    const Var lq_plus = add(flow.prior_log_prob(plus.value), plus.log_det);
    Matrix z_block = plus.value.value();
    if (!flow.symmetrized()) {
      log_q.segment(begin, rows) = lq_plus.value().col(0).cast<double>();
    } else {
      const Transformed minus = flow.inverse(tape.constant(-block));
      const Var lq_minus = add(flow.prior_log_prob(minus.value), minus.log_det);
      log_q.segment(begin, rows) =
          Flow::symmetrized_log_prob(lq_plus, lq_minus).value().col(0).cast<double>();
      for (Index r = 0; r < rows; ++r) {
        const double p_minus = 1 / (1 + std::exp(lq_plus.value()(r, 0) - lq_minus.value()(r, 0)));
        if (rng.uniform() < p_minus) {
          z_block.row(r) = minus.value.value().row(r);
          x.row(begin + r) *= -1;
        }
      }
    }
    z.middleRows(begin, rows) = z_block;
  }
  return z;
}

Estimate forward_kl(const Target& target, const Matrix& x, const Eigen::VectorXd& log_q,
                    double free_energy) {
  Eigen::VectorXd d(x.rows());
  Tape tape;
  for (Index begin = 0; begin < x.rows(); begin += kChunkRows) {
    const Index rows = std::min(kChunkRows, x.rows() - begin);
    tape.reset();
    const Matrix energy = target.energy(tape.constant(x.middleRows(begin, rows))).value();
    d.segment(begin, rows) = -energy.col(0).cast<double>() - log_q.segment(begin, rows);
  }
  d.array() += free_energy;
  const double n = static_cast<double>(d.size()), mean = d.mean();
  return {mean, n > 1 ? std::sqrt((d.array() - mean).square().sum() / (n - 1) / n) : std::nan("")};
}

// One inference pass per chunk, then one backward pass per site seeded with that site's column.
std::vector<Matrix> responses(const Flow& flow, const Matrix& x, const std::vector<Index>& sites,
                              const std::function<void(Index)>& after_chunk) {
  std::vector<Matrix> sum(sites.size(), Matrix::Zero(1, x.cols()));
  Tape tape;
  for (Index begin = 0; begin < x.rows(); begin += kChunkRows) {
    const Index rows = std::min(kChunkRows, x.rows() - begin);
    tape.reset();
    tape.freeze_parameters(true);
    Var in = tape.input(x.middleRows(begin, rows));
    Var z = flow.inverse(in).value;
    for (std::size_t k = 0; k < sites.size(); ++k) {
      Matrix seed = Matrix::Zero(rows, x.cols());
      seed.col(sites[k]).setOnes();
      tape.backward(z, seed);
      sum[k] += in.adjoint().colwise().sum();
    }
    if (after_chunk) after_chunk(begin + rows);
  }
  for (auto& s : sum) s /= static_cast<double>(x.rows());
  return sum;
}

}  // namespace neuralrg::analysis
