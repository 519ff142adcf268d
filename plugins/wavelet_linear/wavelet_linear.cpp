// Wavelet-linear block: an invertible linear map on each block, initialised to the Haar
// transform. With every block fixed to Haar, the hierarchy is exactly the discrete wavelet
// transform. Trainable blocks are parametrised as W = P·L·U (P a fixed permutation, L unit lower
// triangular, U upper triangular with diagonal sign·e^{log_s}), so W stays invertible and
// ln|det W| = Σ log_s.
#include <Eigen/LU>
#include <cmath>

#include <neuralrg/neuralrg.hpp>

namespace wavelet_linear {
namespace {

using namespace neuralrg;

// Inference-direction Haar map (x → z) on one block; the last output is the smooth component,
// which sits on the site a decimator passes to the next level.
Matrix haar(Index width) {
  Matrix h(width, width);
  if (width == 2) {
    h << 1, -1, 1, 1;
    return h / std::sqrt(Scalar(2));
  }
  h << 1, -1, 1, -1,  // horizontal detail
      1, 1, -1, -1,   // vertical detail
      1, -1, -1, 1,   // diagonal detail
      1, 1, 1, 1;     // smooth
  return h / 2;
}

// M⁻¹ of a small square matrix on the tape: d(M⁻¹) = −M⁻¹ dM M⁻¹. A custom node: the SDK lets a
// plugin add ops the built-in set lacks.
template <int N>
struct InverseNode final : Node {
  explicit InverseNode(Node* m) : input(m) {}
  Node* input;
  void backward() override {
    if (!input->needs_grad) return;
    const Eigen::Matrix<Scalar, N, N> inv = value();
    const Eigen::Matrix<Scalar, N, N> g = adjoint();
    // In two statements: GCC 12 -O3 reports a false maybe-uninitialized on the one-line product
    // for float.
    const Eigen::Matrix<Scalar, N, N> inv_t_g = inv.transpose() * g;
    input->adjoint() -= inv_t_g * inv.transpose();
  }
};

template <int N>
Var small_inverse(Var m) {
  auto* node = m.tape().make_node<InverseNode<N>>(N, N, m.needs_grad(), m.node());
  const Eigen::Matrix<Scalar, N, N> fixed = m.value();
  node->value() = fixed.inverse();
  return Var(node);
}

Var inverse_of(Var m) {
  return m.rows() == 4 ? small_inverse<4>(m) : small_inverse<2>(m);
}

class WaveletLinear final : public Bijector {
 public:
  WaveletLinear(Index width, bool trainable) : width_(width), trainable_(trainable) {
    if (width != 2 && width != 4)
      throw std::invalid_argument("wavelet_linear: blocks of 2 or 4 inputs only");
    const Matrix h = haar(width);
    haar_ = h;
    haar_t_ = h.transpose();
    if (!trainable) return;
    // Factor the Haar matrix so training starts exactly at it: P·H = L·U ⇒ H = Pᵀ·L·U.
    Eigen::PartialPivLU<Matrix> lu(h);
    const Matrix packed = lu.matrixLU();
    const Matrix p = lu.permutationP();
    perm_ = p.transpose();
    perm_t_ = p;
    lower_.value = packed.triangularView<Eigen::StrictlyLower>();
    upper_.value = packed.triangularView<Eigen::StrictlyUpper>();
    log_s_.value.resize(1, width);
    sign_.resize(1, width);
    for (Index i = 0; i < width; ++i) {
      log_s_.value(0, i) = std::log(std::abs(packed(i, i)));
      sign_(0, i) = packed(i, i) < 0 ? -1 : 1;
    }
    eye_ = Matrix::Identity(width, width);
    lower_mask_ = Matrix::Ones(width, width).triangularView<Eigen::StrictlyLower>();
    upper_mask_ = Matrix::Ones(width, width).triangularView<Eigen::StrictlyUpper>();
  }

  Index width() const override { return width_; }

  std::vector<Parameter*> parameters() override {
    if (!trainable_) return {};
    return {&lower_, &upper_, &log_s_};
  }

 private:
  Transformed do_inverse(Var x) const override {
    Tape& tape = x.tape();
    if (!trainable_) return {linear(x, tape.constant(haar_), Var()), tape.filled(x.rows(), 1, 0)};
    auto [L, U] = factors(tape);
    // z_row = x_row·Wᵀ = x_row·Uᵀ·Lᵀ·Pᵀ
    Var z = linear(linear(linear(x, U, Var()), L, Var()), tape.constant(perm_), Var());
    return {z, add(tape.filled(x.rows(), 1, 0), row_sum(tape.param(log_s_)))};
  }

  Transformed do_forward(Var z) const override {
    Tape& tape = z.tape();
    if (!trainable_) return {linear(z, tape.constant(haar_t_), Var()), tape.filled(z.rows(), 1, 0)};
    auto [L, U] = factors(tape);
    // x_row = z_row·W⁻ᵀ = z_row·P·L⁻ᵀ·U⁻ᵀ
    Var y = linear(z, tape.constant(perm_t_), Var());
    Var x = linear(linear(y, inverse_of(L), Var()), inverse_of(U), Var());
    return {x, sub(tape.filled(z.rows(), 1, 0), row_sum(tape.param(log_s_)))};
  }

  std::pair<Var, Var> factors(Tape& tape) const {
    Var eye = tape.constant(eye_);
    Var L = add(mul(tape.param(lower_), tape.constant(lower_mask_)), eye);
    Var diag = mul(eye, mul(neuralrg::exp(tape.param(log_s_)), tape.constant(sign_)));
    Var U = add(mul(tape.param(upper_), tape.constant(upper_mask_)), diag);
    return {L, U};
  }

  Index width_;
  bool trainable_;
  Matrix haar_, haar_t_, perm_, perm_t_, sign_, eye_, lower_mask_, upper_mask_;
  Parameter lower_{"lower", {}, {}}, upper_{"upper", {}, {}}, log_s_{"log_s", {}, {}};
};

void register_factories(Registry& registry) {
  Schema s;
  s.boolean("trainable", false, "Learn the 4×4 map (kept invertible by an LU parametrisation).");
  registry.add_bijector("wavelet_linear",
                        "Linear invertible block initialised to the 2D Haar wavelet transform.", s,
                        [](const Params& p, const BijectorContext& ctx) {
                          return std::make_unique<WaveletLinear>(ctx.width, p.boolean("trainable"));
                        });
}

}  // namespace
}  // namespace wavelet_linear

NEURALRG_PLUGIN("wavelet_linear", "1.0.0", wavelet_linear::register_factories)
