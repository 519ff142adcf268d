// The custom node of docs/writing-a-plugin.md, verbatim: it compiles against the SDK alone and
// its gradients match finite differences.
#include <doctest/doctest.h>

#include <stdexcept>

#include "neuralrg/testing.hpp"

namespace {

struct RowDotNode final : neuralrg::Node {
  RowDotNode(neuralrg::Node* a_, neuralrg::Node* b_) : a(a_), b(b_) {}
  neuralrg::Node *a, *b;
  void backward() override {
    // out_r = Σ_j a_rj b_rj, so ∂out_r/∂a_rj = b_rj and ∂out_r/∂b_rj = a_rj.
    const auto g = adjoint().col(0).array();
    if (a->needs_grad) a->adjoint().array() += b->value().array().colwise() * g;
    if (b->needs_grad) b->adjoint().array() += a->value().array().colwise() * g;
  }
};

neuralrg::Var row_dot(neuralrg::Var a, neuralrg::Var b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument("row_dot: the operands' shapes differ");
  auto* node = a.tape().make_node<RowDotNode>(a.rows(), 1, a.needs_grad() || b.needs_grad(),
                                              a.node(), b.node());
  node->value() = (a.value().array() * b.value().array()).rowwise().sum().matrix();
  return neuralrg::Var(node);
}

}  // namespace

TEST_CASE("the documented custom node (row_dot) has correct values and gradients") {
  using namespace neuralrg;
  Matrix a(3, 4), b(3, 4);
  Rng rng(2);
  rng.fill_normal(a);
  rng.fill_normal(b);
  Tape tape;
  const Matrix value = row_dot(tape.constant(a), tape.constant(b)).value();
  for (Index r = 0; r < 3; ++r) CHECK(value(r, 0) == doctest::Approx(a.row(r).dot(b.row(r))));
  const auto wrt_a =
      testing::check_input_gradient([&](Var x) { return row_dot(x, x.tape().constant(b)); }, a);
  const auto wrt_b =
      testing::check_input_gradient([&](Var x) { return row_dot(x.tape().constant(a), x); }, b);
  const auto both = testing::check_input_gradient([](Var x) { return row_dot(x, x); }, a);
  INFO(wrt_a.message, wrt_b.message, both.message);
  CHECK(wrt_a.ok);
  CHECK(wrt_b.ok);
  CHECK(both.ok);
}
