// A layer evaluated in row tiles (recomputed in the backward pass) must give the values and
// gradients of the same bijector applied directly on the tape.
#include <doctest/doctest.h>

#include "flow/tiled_block.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;

namespace {

struct Pass {
  Matrix value, log_det, input_grad;
  std::vector<Matrix> param_grads;  // empty matrices where the tape has no gradient
  std::size_t arena_bytes = 0;
};

// Loss Σ c ⊙ y + Σ d ⊙ log_det with fixed random c, d, so every output row and column gets its own
// adjoint.
template <class Apply>
Pass run(Bijector& b, const Matrix& x, bool frozen, Apply&& apply) {
  Tape tape;
  tape.freeze_parameters(frozen);
  Var in = tape.input(x);
  Transformed t = apply(in);
  Var c = tape.constant(test::random_matrix(x.rows(), x.cols(), 7));
  Var d = tape.constant(test::random_matrix(x.rows(), 1, 8));
  tape.backward(add(sum(mul(t.value, c)), sum(mul(t.log_det, d))));
  Pass out{t.value.value(), t.log_det.value(), in.adjoint(), {}, tape.arena_bytes_used()};
  for (Parameter* p : b.parameters()) {
    auto g = tape.param_grad(*p);
    out.param_grads.push_back(g ? Matrix(*g) : Matrix());
  }
  return out;
}

double max_abs_diff(const Matrix& a, const Matrix& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return a.size() == 0 ? 0.0 : (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("a layer in row tiles gives the direct application's values and gradients") {
  auto b = test::make_bijector("{plugin: realnvp, couplings: 3}", 4);
  Rng rng(3);
  for (Parameter* p : b->parameters())  // away from the volume-preserving start
    for (Index i = 0; i < p->value.size(); ++i) p->value.data()[i] += 0.3 * rng.normal();
  const std::vector<Parameter*> params = b->parameters();
  const Matrix x = test::random_matrix(53, 4, 2);  // tiles of 16: three full, one of 5 rows

  for (bool inverse : {false, true}) {
    for (bool frozen : {false, true}) {
      CAPTURE(inverse);
      CAPTURE(frozen);
      const Pass direct =
          run(*b, x, frozen, [&](Var in) { return inverse ? b->inverse(in) : b->forward(in); });
      const Pass tiled =
          run(*b, x, frozen, [&](Var in) { return apply_tiled(*b, params, in, inverse, 16); });
      CHECK(max_abs_diff(direct.value, tiled.value) < test::scaled(1e-13));
      CHECK(max_abs_diff(direct.log_det, tiled.log_det) < test::scaled(1e-13));
      CHECK(max_abs_diff(direct.input_grad, tiled.input_grad) < test::scaled(1e-12));
      REQUIRE(direct.param_grads.size() == tiled.param_grads.size());
      for (std::size_t i = 0; i < params.size(); ++i) {
        CAPTURE(params[i]->name);
        CHECK(direct.param_grads[i].size() == (frozen ? 0 : params[i]->value.size()));
        CHECK(max_abs_diff(direct.param_grads[i], tiled.param_grads[i]) < test::scaled(1e-12));
      }
      // Only the layer's inputs and outputs (and parameter leaves) stay on the caller's tape.
      CHECK(tiled.arena_bytes * 4 < direct.arena_bytes);
    }
  }
}

TEST_CASE("a layer no larger than one tile runs directly on the caller's tape") {
  auto b = test::make_bijector("{plugin: realnvp, couplings: 2}", 4);
  const std::vector<Parameter*> params = b->parameters();
  Tape tape;
  Transformed t = apply_tiled(*b, params, tape.constant(test::random_matrix(16, 4, 1)), false, 16);
  CHECK(tape.size() > 20);  // every coupling op recorded here, no tiled node
  CHECK(t.value.rows() == 16);
}

TEST_CASE("a tiled layer started inside another tile's pass does not disturb it") {
  // As when a bijector waits on TBB work and this thread picks up another chunk's layer: the
  // wrapper runs a whole tiled layer on another tape in the middle of each of its own passes.
  auto inner = test::make_bijector("{plugin: realnvp, couplings: 2}", 4);
  const std::vector<Parameter*> inner_params = inner->parameters();
  class Interrupted final : public Bijector {
   public:
    Interrupted(Bijector& b, std::span<Parameter* const> p) : b_(b), params_(p) {}
    Index width() const override { return 4; }
    std::vector<Parameter*> parameters() override { return b_.parameters(); }
    Transformed do_forward(Var z) const override {
      interrupt();
      return b_.forward(z);
    }
    Transformed do_inverse(Var x) const override {
      interrupt();
      return b_.inverse(x);
    }

   private:
    void interrupt() const {
      Tape other;
      Var in = other.input(test::random_matrix(40, 4, 9));
      other.backward(sum(apply_tiled(b_, params_, in, false, 16).value));
    }
    Bijector& b_;
    std::span<Parameter* const> params_;
  } interrupted(*inner, inner_params);

  const Matrix x = test::random_matrix(37, 4, 4);
  for (bool frozen : {false, true}) {
    CAPTURE(frozen);
    const Pass plain = run(*inner, x, frozen, [&](Var in) {
      return apply_tiled(*inner, inner_params, in, false, 16);
    });
    const Pass nested = run(*inner, x, frozen, [&](Var in) {
      return apply_tiled(interrupted, inner_params, in, false, 16);
    });
    CHECK(max_abs_diff(plain.value, nested.value) == 0.0);
    CHECK(max_abs_diff(plain.input_grad, nested.input_grad) == 0.0);
    for (std::size_t i = 0; i < inner_params.size(); ++i)
      CHECK(max_abs_diff(plain.param_grads[i], nested.param_grads[i]) == 0.0);
  }
}
