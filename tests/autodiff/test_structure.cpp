// Linear, reductions, layout ops, the affine coupling and the quadratic form.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "neuralrg/testing.hpp"
#include "support/gradient_check.hpp"
#include "support/precision.hpp"
#include "support/random_matrix.hpp"

using namespace neuralrg;
using neuralrg::test::random_matrix;
using neuralrg::test::require_gradient;

namespace {

class DenseOperator final : public LinearOperator {
 public:
  explicit DenseOperator(Matrix a) : a_(std::move(a)) {}
  void apply(const ConstMatrixMap& in, MatrixMap out) const override {
    out.noalias() = in * a_.transpose();
  }

 private:
  Matrix a_;
};

}  // namespace

TEST_CASE("linear: value and gradients for x, W and b") {
  const Matrix x = random_matrix(6, 4, 1);
  Parameter W{"W", random_matrix(3, 4, 2), {}};
  Parameter b{"b", random_matrix(1, 3, 3), {}};
  Tape tape;
  const Matrix y = linear(tape.constant(x), tape.param(W), tape.param(b)).value();
  const Matrix expected = (x * W.value.transpose()).rowwise() + b.value.row(0);
  CHECK((y - expected).cwiseAbs().maxCoeff() < test::scaled(1e-13));
  require_gradient([&](Var v) { return linear(v, v.tape().param(W), v.tape().param(b)); }, x);
  const auto report = testing::check_parameter_gradient(
      [&](Tape& t) { return linear(t.constant(x), t.param(W), t.param(b)); }, {&W, &b});
  INFO(report.message);
  CHECK(report.ok);
  require_gradient([&](Var v) { return linear(v, v.tape().param(W), Var()); }, x);
}

TEST_CASE("dense: the fused layer equals linear followed by its activation, gradients match") {
  // 6 rows run the kernels' scalar tails only; 37 also their vector blocks (16 rows, 4 lanes).
  for (const Index rows : {6, 37}) {
    CAPTURE(rows);
    const Matrix x = random_matrix(rows, 4, 31);
    Parameter W{"W", random_matrix(3, 4, 32), {}};
    Parameter b{"b", random_matrix(1, 3, 33), {}};
    using Unfused = Var (*)(Var);
    const std::vector<std::pair<Activation, Unfused>> cases = {
        {Activation::Identity, [](Var v) { return v; }},
        {Activation::Elu, [](Var v) { return elu(v); }},
        {Activation::Tanh, [](Var v) { return neuralrg::tanh(v); }}};
    for (const auto& act_unfused : cases) {
      // Not a structured binding: CAPTURE's lambda cannot capture one before Clang 16.
      const Activation act = act_unfused.first;
      const Unfused& unfused = act_unfused.second;
      CAPTURE(static_cast<int>(act));
      Tape tape;
      const Matrix fused = dense(tape.constant(x), tape.param(W), tape.param(b), act).value();
      const Matrix reference =
          unfused(linear(tape.constant(x), tape.param(W), tape.param(b))).value();
      CHECK((fused - reference).cwiseAbs().maxCoeff() < test::scaled(1e-14));
      require_gradient(
          [&, act = act](Var v) { return dense(v, v.tape().param(W), v.tape().param(b), act); }, x);
      const auto report = testing::check_parameter_gradient(
          [&, act = act](Tape& t) { return dense(t.constant(x), t.param(W), t.param(b), act); },
          {&W, &b});
      INFO(report.message);
      CHECK(report.ok);
    }
  }
}

TEST_CASE("dense's vectorised activations are accurate over the whole range") {
  // 64 rows exercise the vector blocks of the kernel (16 rows each), not just the scalar tail.
  const Index n = 64;
  Matrix x(n, 3);
  for (Index r = 0; r < n; ++r)
    for (Index c = 0; c < 3; ++c)
      x(r, c) = -745.0 + 775.0 * static_cast<double>(r * 3 + c) / (3 * n - 1);
  Parameter W{"W", Matrix::Identity(3, 3), {}};
  Tape tape;
  const Matrix elu_out = dense(tape.constant(x), tape.param(W), Var(), Activation::Elu).value();
  const Matrix x_small = x / 40.0;  // tanh saturates beyond ~20
  const Matrix tanh_out =
      dense(tape.constant(x_small), tape.param(W), Var(), Activation::Tanh).value();
  for (Index i = 0; i < x.size(); ++i) {
    const double v = x.data()[i];
    const double expected = v > 0 ? v : std::expm1(v);
    CHECK(std::abs(elu_out.data()[i] - expected) <=
          test::scaled(2e-15) * std::max(1.0, std::abs(expected)));
    CHECK(std::abs(tanh_out.data()[i] - std::tanh(x_small.data()[i])) <= test::scaled(4e-16 * 4));
  }
}

TEST_CASE("dense's vectorised activations propagate NaN and infinities") {
  // A diverging step must surface as a non-finite loss: the clamps may not turn NaN into a number.
  Matrix x = Matrix::Constant(32, 2, 0.5);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  x(3, 0) = nan;
  x(20, 1) = nan;
  x(7, 0) = inf;
  x(8, 1) = -inf;
  Parameter W{"W", Matrix::Identity(2, 2), {}};
  for (Activation act : {Activation::Elu, Activation::Tanh}) {
    CAPTURE(static_cast<int>(act));
    Tape tape;
    const Matrix y = dense(tape.constant(x), tape.param(W), Var(), act).value();
    CHECK(std::isnan(y(3, 0)));
    CHECK(std::isnan(y(20, 1)));
    CHECK(y(7, 0) == (act == Activation::Elu ? inf : 1.0));
    CHECK(y(8, 1) == -1.0);
    CHECK(std::isfinite(y(0, 0)));
  }
}

TEST_CASE("reductions and logsumexp") {
  const Matrix x = random_matrix(5, 4, 4, 3.0);
  Tape tape;
  Var c = tape.constant(x);
  CHECK((row_sum(c).value().col(0) - x.rowwise().sum()).cwiseAbs().maxCoeff() <
        test::scaled(1e-13));
  CHECK((row_mean(c).value().col(0) - x.rowwise().mean()).cwiseAbs().maxCoeff() <
        test::scaled(1e-13));
  CHECK(sum(c).value()(0, 0) == doctest::Approx(x.sum()));
  CHECK(mean(c).value()(0, 0) == doctest::Approx(x.mean()));
  const Matrix lse = logsumexp_rows(c).value();
  for (Index r = 0; r < x.rows(); ++r)
    CHECK(lse(r, 0) == doctest::Approx(std::log(x.row(r).array().exp().sum())));
  Matrix huge = Matrix::Constant(1, 3, 1000.0);
  CHECK(logsumexp_rows(tape.constant(huge)).value()(0, 0) ==
        doctest::Approx(1000.0 + std::log(3.0)));
  require_gradient([](Var v) { return row_sum(v); }, x);
  require_gradient([](Var v) { return row_mean(v); }, x);
  require_gradient([](Var v) { return sum(v); }, x);
  require_gradient([](Var v) { return mean(v); }, x);
  require_gradient([](Var v) { return logsumexp_rows(v); }, x);
}

TEST_CASE("gather, scatter-add, scatter, concat, slice and reshape") {
  const Matrix x = random_matrix(3, 6, 5);
  static const std::vector<Index> gather_index = {5, 0, 2, 2, 1};
  static const std::vector<Index> scatter_index = {4, 1, 0};
  Tape tape;
  const Matrix g = gather_cols(tape.constant(x), gather_index).value();
  for (Index r = 0; r < 3; ++r)
    for (Index j = 0; j < 5; ++j) CHECK(g(r, j) == x(r, gather_index[j]));
  const Matrix y = random_matrix(3, 3, 6);
  const Matrix s = scatter_add_cols(tape.constant(y), 6, scatter_index).value();
  CHECK(s(1, 4) == y(1, 0));
  CHECK(s(2, 3) == 0.0);
  const Matrix replaced = scatter_cols(tape.constant(x), tape.constant(y), scatter_index).value();
  CHECK(replaced(0, 4) == y(0, 0));
  CHECK(replaced(0, 0) == y(0, 2));
  CHECK(replaced(0, 5) == x(0, 5));
  CHECK(reshape(tape.constant(x), 9, 2).value()(4, 1) == x(1, 4));  // column-major order

  require_gradient([](Var v) { return gather_cols(v, gather_index); }, x);
  require_gradient([](Var v) { return scatter_add_cols(v, 6, scatter_index); }, y);
  require_gradient([&](Var v) { return scatter_cols(v, v.tape().constant(y), scatter_index); }, x);
  require_gradient([&](Var v) { return scatter_cols(v.tape().constant(x), v, scatter_index); }, y);
  require_gradient([&](Var v) { return concat_cols(v, v.tape().constant(y)); }, x);
  require_gradient([&](Var v) { return concat_cols(v.tape().constant(y), v); }, x);
  require_gradient([](Var v) { return slice_cols(v, 2, 3); }, x);
  require_gradient([](Var v) { return square(reshape(v, 9, 2)); }, x);
  CHECK_THROWS_WITH_AS(gather_cols(tape.constant(Matrix::Zero(2, 3)), gather_index),
                       "gather_cols: column index 5 out of range [0, 3)", std::invalid_argument);
  CHECK_THROWS_AS(reshape(tape.constant(x), 4, 4), std::invalid_argument);
  CHECK_THROWS_AS(slice_cols(tape.constant(x), 4, 3), std::invalid_argument);
}

TEST_CASE(
    "indices and masks given as temporaries are copied: the backward pass does not read "
    "freed memory") {
  const Matrix x = random_matrix(3, 4, 5);
  Tape tape;
  Var in = tape.input(x);
  auto index = std::make_unique<std::vector<Index>>(std::vector<Index>{3, 1});
  Var g = gather_cols(in, *index);
  auto mask = std::make_unique<RowVector>(RowVector::Zero(4));
  (*mask)(0) = 1;
  Transformed c = affine_coupling(in, tape.filled(3, 4, 0.5), tape.filled(3, 4, 0), *mask, false);
  std::fill(index->begin(), index->end(), Index{1234567});  // what a dangling read would see
  mask->setConstant(7);
  index.reset();
  mask.reset();
  tape.backward(add(row_sum(g), row_sum(c.value)));
  Matrix expected = Matrix::Constant(3, 4, std::exp(0.5));
  expected.col(0).setOnes();
  expected.col(1).array() += 1;
  expected.col(3).array() += 1;
  CHECK((in.adjoint() - expected).cwiseAbs().maxCoeff() < test::scaled(1e-12));
}

TEST_CASE("affine coupling: inverse undoes forward, log-dets cancel, gradients match") {
  const Matrix y = random_matrix(7, 4, 7);
  const Matrix s = random_matrix(7, 4, 8, 0.5);
  const Matrix t = random_matrix(7, 4, 9);
  static RowVector mask(4);
  mask << 1, 0, 0, 1;
  Tape tape;
  Transformed fwd =
      affine_coupling(tape.constant(y), tape.constant(s), tape.constant(t), mask, false);
  Transformed back = affine_coupling(fwd.value, tape.constant(s), tape.constant(t), mask, true);
  CHECK((back.value.value() - y).cwiseAbs().maxCoeff() < test::scaled(1e-13));
  CHECK((fwd.log_det.value() + back.log_det.value()).cwiseAbs().maxCoeff() < test::scaled(1e-13));
  CHECK(fwd.log_det.value()(0, 0) == doctest::Approx(s(0, 1) + s(0, 2)));
  CHECK(fwd.value.value()(0, 0) == y(0, 0));
  CHECK(fwd.value.value()(0, 1) == doctest::Approx(y(0, 1) * std::exp(s(0, 1)) + t(0, 1)));

  for (bool inverse : {false, true}) {
    CAPTURE(inverse);
    auto parts = [&](Var v, int which) {
      Tape& tp = v.tape();
      Var yy = which == 0 ? v : tp.constant(y);
      Var ss = which == 1 ? v : tp.constant(s);
      Var tt = which == 2 ? v : tp.constant(t);
      Transformed out = affine_coupling(yy, ss, tt, mask, inverse);
      return concat_cols(out.value, out.log_det);
    };
    require_gradient([&](Var v) { return parts(v, 0); }, y);
    require_gradient([&](Var v) { return parts(v, 1); }, s);
    require_gradient([&](Var v) { return parts(v, 2); }, t);
  }
}

TEST_CASE("quadratic form through a linear operator") {
  Matrix a = random_matrix(5, 5, 10);
  a = (a + a.transpose()).eval();
  const DenseOperator op(a);
  const Matrix x = random_matrix(3, 5, 11);
  Tape tape;
  const Matrix q = quadratic_form(tape.constant(x), op).value();
  for (Index r = 0; r < 3; ++r)
    CHECK(q(r, 0) == doctest::Approx(0.5 * x.row(r).dot(a * x.row(r).transpose())));
  require_gradient([&](Var v) { return quadratic_form(v, op); }, x);
}
