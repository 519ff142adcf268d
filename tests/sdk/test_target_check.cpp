// testing::check_target: the built-in target passes it, and each mistake it exists to catch is
// caught.
#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"
#include "support/plugins.hpp"

using namespace neuralrg;

namespace {

// ½|x|² on 2×2 sites, with one observable (the mean), broken in the way each subclass chooses.
class Quadratic : public Target {
 public:
  std::vector<Index> lattice() const override { return {2, 2}; }
  std::vector<Observable> observables() const override { return {{"mean", "⟨x⟩", {}}}; }

 protected:
  Var do_energy(Var x) const override { return scale(row_sum(square(x)), 0.5); }
  void do_measure(const Matrix& x, Rng&, Matrix& out) const override {
    out.col(0) = x.rowwise().mean();
  }
};

// Adds the batch mean: each row's energy depends on the other rows.
class BatchCoupled final : public Quadratic {
  Var do_energy(Var x) const override { return add(scale(row_sum(square(x)), 0.5), mean(x)); }
};

// A hand-written backward rule gone wrong: the value is ½|x|², the gradient 2x.
class WrongGradient final : public Quadratic {
  Var do_energy(Var x) const override {
    return scale(row_sum(elementwise(
                     x, [](Scalar v) { return v * v; }, [](Scalar v, Scalar) { return 4 * v; })),
                 0.5);
  }
};

// Draws from its own generator instead of the stream it is given.
class Irreproducible final : public Quadratic {
  void do_measure(const Matrix& x, Rng&, Matrix& out) const override {
    out.col(0) = x.rowwise().mean();
    out(0, 0) += static_cast<Scalar>(own_.next() % 2);
  }
  mutable Rng own_{1};
};

}  // namespace

TEST_CASE("the Ising dual target passes check_target") {
  auto [entry, params] = test::resolve(PluginKind::Target, "{plugin: ising_dual, L: 4, beta: 0.4}");
  const auto target = std::get<TargetFactory>(entry->factory)(params, TargetContext{});
  const auto report = testing::check_target(*target);
  INFO(report.message);
  CHECK(report.ok);
}

TEST_CASE("check_target passes a correct target and catches each mistake") {
  CHECK(testing::check_target(Quadratic{}).ok);
  const auto coupled = testing::check_target(BatchCoupled{});
  CHECK_FALSE(coupled.ok);
  CHECK(coupled.message.find("rows must not depend on other rows") != std::string::npos);
  const auto wrong = testing::check_target(WrongGradient{});
  CHECK_FALSE(wrong.ok);
  CHECK(wrong.message.find("energy gradient: ") == 0);
  const auto irreproducible = testing::check_target(Irreproducible{});
  CHECK_FALSE(irreproducible.ok);
  CHECK(irreproducible.message.find("not reproducible") != std::string::npos);
}
