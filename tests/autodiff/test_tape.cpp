// The tape's record: marks and rewinding.
#include <doctest/doctest.h>

#include <stdexcept>

#include "neuralrg/autodiff.hpp"
#include "support/random_matrix.hpp"

using namespace neuralrg;
using neuralrg::test::random_matrix;

TEST_CASE("rewind keeps the record before the mark and gives the same results as a fresh tape") {
  Parameter W{"W", random_matrix(3, 2, 1), {}};
  Parameter b{"b", random_matrix(1, 3, 2), {}};
  Parameter late{"late", random_matrix(1, 3, 3), {}};
  const Matrix x1 = random_matrix(8, 2, 4), x2 = random_matrix(8, 2, 5);
  auto loss = [&](Tape& tape, const Matrix& x) {
    return sum(dense(tape.constant(x), tape.param(W), tape.param(b), Activation::Elu));
  };

  Tape tape;
  const Var w_leaf = tape.param(W);
  tape.param(b);
  const Tape::Mark mark = tape.mark();
  const std::size_t nodes = tape.size(), bytes = tape.arena_bytes_used();

  Var first = loss(tape, x1);
  tape.backward(first);
  const Matrix grad1 = *tape.param_grad(W);
  CHECK(tape.param(late).node() != nullptr);  // a parameter first seen after the mark

  tape.rewind(mark);
  CHECK(tape.size() == nodes);
  CHECK(tape.arena_bytes_used() == bytes);
  CHECK(tape.param(W).node() == w_leaf.node());    // leaves before the mark are kept
  CHECK_FALSE(tape.param_grad(late).has_value());  // and the later one is forgotten

  Var second = loss(tape, x2);
  tape.backward(second);
  Tape fresh;
  Var expected = loss(fresh, x2);
  fresh.backward(expected);
  CHECK(second.value()(0, 0) == expected.value()(0, 0));
  CHECK(*tape.param_grad(W) == *fresh.param_grad(W));  // zeroed again, not accumulated
  CHECK(*tape.param_grad(W) != grad1);
}

TEST_CASE("rewinding to a mark the tape has already forgotten is refused") {
  Tape tape;
  tape.constant(random_matrix(2, 2, 1));
  const Tape::Mark mark = tape.mark();
  tape.reset();
  CHECK_THROWS_AS(tape.rewind(mark), std::invalid_argument);
}
