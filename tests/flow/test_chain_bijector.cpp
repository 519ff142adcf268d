// flow.block as a list: blocks composed in order pass the conformance kit together, and their
// parameters keep distinct names.
#include <doctest/doctest.h>

#include <set>

#include "flow/chain_bijector.hpp"
#include "support/conformance.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;

TEST_CASE("a chain of a linear and a Real NVP block passes the conformance kit") {
  std::vector<std::unique_ptr<Bijector>> blocks;
  blocks.push_back(test::make_bijector("{plugin: wavelet_linear, trainable: true}", 4));
  blocks.push_back(test::make_bijector("{plugin: realnvp, couplings: 2, hidden: [5]}", 4));
  ChainBijector chain(std::move(blocks));
  test::perturb(chain, 3, 0.2);
  test::require_conformant(chain);
  std::set<std::string> names;
  for (const Parameter* p : chain.parameters()) CHECK(names.insert(p->name).second);
  CHECK(names.count("block1.coupling0.scale") == 1);
}

TEST_CASE("the chain's log-det is the sum of its blocks' and its inverse runs them backwards") {
  auto a = test::make_bijector("{plugin: realnvp, couplings: 2, hidden: [5]}", 4);
  auto b = test::make_bijector("{plugin: spline, couplings: 2, hidden: [5]}", 4);
  test::perturb(*a, 1, 0.2);
  test::perturb(*b, 2, 0.1);
  const Matrix z = test::random_matrix(5, 4, 7);
  Tape tape;
  const Transformed first = a->forward(tape.constant(z));
  const Transformed second = b->forward(first.value);
  const Matrix x = second.value.value();
  const Matrix log_det = first.log_det.value() + second.log_det.value();
  std::vector<std::unique_ptr<Bijector>> blocks;
  blocks.push_back(std::move(a));
  blocks.push_back(std::move(b));
  const ChainBijector chain(std::move(blocks));
  const Transformed both = chain.forward(tape.constant(z));
  CHECK((both.value.value() - x).cwiseAbs().maxCoeff() == 0);
  CHECK((both.log_det.value() - log_det).cwiseAbs().maxCoeff() == 0);
  CHECK((chain.inverse(tape.constant(x)).value.value() - z).cwiseAbs().maxCoeff() <
        test::scaled(1e-11));
}

TEST_CASE("blocks of different widths cannot be chained") {
  std::vector<std::unique_ptr<Bijector>> blocks;
  blocks.push_back(test::make_bijector("{plugin: realnvp}", 4));
  blocks.push_back(test::make_bijector("{plugin: realnvp}", 2));
  CHECK_THROWS_WITH_AS(ChainBijector(std::move(blocks)),
                       "block 1 of the chain has width 2, block 0 has 4", std::invalid_argument);
}
