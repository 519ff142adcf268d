// Elementwise unary ops. Each backward rule uses the saved input and/or output.
#include <cmath>
#include <numbers>

#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

Scalar stable_sigmoid(Scalar v) {
  return v >= 0 ? 1 / (1 + std::exp(-v)) : std::exp(v) / (1 + std::exp(v));
}

// Derivative is a functor (x, y) -> dy/dx evaluated on arrays.
template <class Derivative>
struct UnaryNode final : Node {
  explicit UnaryNode(Node* in) : input(in) {}
  Node* input;
  void backward() override {
    if (!input->needs_grad) return;
    input->adjoint().array() +=
        adjoint().array() * Derivative{}(input->value().array(), value().array());
  }
};

template <class Derivative, class Forward>
Var unary(const char* op, Var x, Forward&& forward) {
  detail::require_var(op, x);
  auto* node =
      x.tape().make_node<UnaryNode<Derivative>>(x.rows(), x.cols(), x.needs_grad(), x.node());
  forward(x.value().array(), node->value().array());
  return Var(node);
}

struct EluDerivative {  // 1 for x > 0, e^x = y + 1 otherwise; branch-free so it vectorises
  template <class X, class Y>
  auto operator()(const X&, const Y& y) const {
    return y.min(Scalar(0)) + 1;
  }
};
struct TanhDerivative {
  template <class X, class Y>
  auto operator()(const X&, const Y& y) const {
    return 1 - y.square();
  }
};
struct SigmoidOfInput {  // d softplus / dx
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return x.unaryExpr([](Scalar v) { return stable_sigmoid(v); });
  }
};
struct ExpDerivative {
  template <class X, class Y>
  auto operator()(const X&, const Y& y) const {
    return y;
  }
};
struct LogDerivative {
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return x.inverse();
  }
};
struct LogCoshDerivative {
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return x.tanh();
  }
};
struct SquareDerivative {
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return 2 * x;
  }
};

struct CoshOfInput {  // d sinh / dx
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return x.cosh();
  }
};
struct AsinhDerivative {  // 1/√(1 + x²)
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return (1 + x.square()).rsqrt();
  }
};
struct SqrtDerivative {  // 1/(2√x), from the output
  template <class X, class Y>
  auto operator()(const X&, const Y& y) const {
    return Scalar(0.5) / y;
  }
};
struct SignOfInput {  // d|x|/dx, 0 at 0
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return x.sign();
  }
};
struct Log1pDerivative {
  template <class X, class Y>
  auto operator()(const X& x, const Y&) const {
    return (1 + x).inverse();
  }
};
struct SigmoidDerivative {  // σ(1 − σ), from the output
  template <class X, class Y>
  auto operator()(const X&, const Y& y) const {
    return y * (1 - y);
  }
};

struct ScaleNode final : Node {
  ScaleNode(Node* in, Scalar f) : input(in), factor(f) {}
  Node* input;
  Scalar factor;
  void backward() override {
    if (input->needs_grad) input->adjoint().array() += factor * adjoint().array();
  }
};

struct ShiftNode final : Node {
  explicit ShiftNode(Node* in) : input(in) {}
  Node* input;
  void backward() override {
    if (input->needs_grad) input->adjoint() += adjoint();
  }
};

Scalar stable_softplus(Scalar v) {
  return std::max(v, Scalar(0)) + std::log1p(std::exp(-std::abs(v)));
}

}  // namespace

Var elu(Var x) {
  // max(x, 0) + e^{min(x, 0)} − 1: Eigen's select() would fall back to scalar exp.
  return unary<EluDerivative>("elu", x, [](const auto& in, auto out) {
    out = in.max(Scalar(0)) + in.min(Scalar(0)).exp() - 1;
  });
}

Var tanh(Var x) {
  // 1 − 2/(e^{2x} + 1) runs on Eigen's vectorised exp (std::tanh is scalar). Its absolute error
  // stays at rounding level for every x, and e^{2x} = ∞ still gives exactly ±1.
  return unary<TanhDerivative>(
      "tanh", x, [](const auto& in, auto out) { out = 1 - 2 / ((2 * in).exp() + 1); });
}

Var softplus(Var x) {
  return unary<SigmoidOfInput>("softplus", x, [](const auto& in, auto out) {
    out = in.unaryExpr([](Scalar v) { return stable_softplus(v); });
  });
}

Var exp(Var x) {
  return unary<ExpDerivative>("exp", x, [](const auto& in, auto out) { out = in.exp(); });
}

Var log(Var x) {
  return unary<LogDerivative>("log", x, [](const auto& in, auto out) { out = in.log(); });
}

Var log_cosh(Var x) {
  return unary<LogCoshDerivative>("log_cosh", x, [](const auto& in, auto out) {
    // ln cosh x = |x| + ln(1 + e^{-2|x|}) − ln 2: no overflow for any finite x.
    out = in.unaryExpr([](Scalar v) {
      const Scalar a = std::abs(v);
      return a + std::log1p(std::exp(-2 * a)) - std::numbers::ln2_v<Scalar>;
    });
  });
}

Var sinh(Var x) {
  return unary<CoshOfInput>("sinh", x, [](const auto& in, auto out) { out = in.sinh(); });
}

Var asinh(Var x) {
  // ln(|x| + √(x² + 1)) with the sign restored: no cancellation for large negative x.
  return unary<AsinhDerivative>("asinh", x, [](const auto& in, auto out) {
    out = in.unaryExpr([](Scalar v) { return std::asinh(v); });
  });
}

Var sqrt(Var x) {
  return unary<SqrtDerivative>("sqrt", x, [](const auto& in, auto out) { out = in.sqrt(); });
}

Var abs(Var x) {
  return unary<SignOfInput>("abs", x, [](const auto& in, auto out) { out = in.abs(); });
}

Var log1p(Var x) {
  return unary<Log1pDerivative>("log1p", x, [](const auto& in, auto out) { out = in.log1p(); });
}

Var sigmoid(Var x) {
  return unary<SigmoidDerivative>("sigmoid", x, [](const auto& in, auto out) {
    out = in.unaryExpr([](Scalar v) { return stable_sigmoid(v); });
  });
}

Var square(Var x) {
  return unary<SquareDerivative>("square", x, [](const auto& in, auto out) { out = in.square(); });
}

Var scale(Var x, Scalar s) {
  detail::require_var("scale", x);
  auto* node = x.tape().make_node<ScaleNode>(x.rows(), x.cols(), x.needs_grad(), x.node(), s);
  node->value() = s * x.value();
  return Var(node);
}

Var neg(Var x) {
  return scale(x, Scalar(-1));
}

Var shift(Var x, Scalar c) {
  detail::require_var("shift", x);
  auto* node = x.tape().make_node<ShiftNode>(x.rows(), x.cols(), x.needs_grad(), x.node());
  node->value().array() = x.value().array() + c;
  return Var(node);
}

}  // namespace neuralrg
