// Chunked data parallelism: bit-identical results for any thread count, and a warm tape that
// does not touch the heap.
#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include "autodiff/mlp_fixture.hpp"
#include "autodiff/parallel.hpp"
#include "distributed/gradient_reducer.hpp"
#include "neuralrg/rng.hpp"
#include "support/count_malloc.hpp"

using namespace neuralrg;

namespace {

// One training-like step: per-chunk forward/backward of an MLP loss, reduced in chunk order.
std::vector<Matrix> gradient_step(test::Mlp& mlp, ChunkRunner& runner, GradientReducer& reducer,
                                  std::uint64_t step) {
  const Index batch = 203;  // not a multiple of the chunk size on purpose
  auto params = mlp.parameters();
  reducer.prepare(params, runner.chunks(batch));
  runner.run(batch, [&](Index chunk, Index begin, Index end, Tape& tape) {
    Rng rng = Rng::stream(7, "test", step, chunk);
    Matrix x(end - begin, 4);
    rng.fill_normal(x);
    Var loss = mean(square(mlp(tape.constant(x))));
    tape.backward(loss);
    reducer.collect(chunk, tape, params);
  });
  reducer.reduce(params);
  std::vector<Matrix> grads;
  for (Parameter* p : params) grads.push_back(p->grad);
  return grads;
}

}  // namespace

TEST_CASE("gradients are bit-identical for 1, 2 and 4 threads") {
  std::vector<std::vector<Matrix>> results;
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    test::Mlp mlp({4, 10, 10, 4}, 5);
    ChunkRunner runner(16);
    GradientReducer reducer;
    results.push_back(gradient_step(mlp, runner, reducer, 3));
  }
  for (std::size_t k = 1; k < results.size(); ++k)
    for (std::size_t i = 0; i < results[0].size(); ++i) {
      CHECK(results[k][i].rows() == results[0][i].rows());
      CHECK(std::memcmp(results[k][i].data(), results[0][i].data(),
                        sizeof(Scalar) * results[0][i].size()) == 0);
    }
  CHECK(results[0][0].cwiseAbs().sum() > 0);
}

TEST_CASE("a warm tape performs no heap allocation") {
  test::Mlp mlp({4, 10, 10, 10, 4}, 9);
  const Matrix x = test::random_matrix(64, 4, 10);
  RowVector mask(4);
  mask << 1, 0, 1, 0;
  Tape tape;
  auto step = [&] {
    tape.reset();
    Var in = tape.input(x);
    Var h = mlp(in);
    Transformed c = affine_coupling(in, tanh(h), h, mask, false);
    Var loss = mean(add(row_sum(square(c.value)), c.log_det));
    tape.backward(loss);
  };
  step();
  const std::size_t blocks = tape.arena_blocks();
#ifdef NEURALRG_COUNT_MALLOC
  const long before = test::malloc_calls.load();
#endif
  for (int i = 0; i < 5; ++i) step();
#ifdef NEURALRG_COUNT_MALLOC
  CHECK(test::malloc_calls.load() - before == 0);
#endif
  CHECK(tape.arena_blocks() == blocks);

  // And through the chunk runner: arena blocks stop growing once warm. One thread, so that no
  // worker joins late with a cold tape.
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  ChunkRunner runner(16);
  GradientReducer reducer;
  for (int i = 0; i < 3; ++i) gradient_step(mlp, runner, reducer, i);
  const std::size_t warm = runner.arena_blocks();
  for (int i = 3; i < 8; ++i) gradient_step(mlp, runner, reducer, i);
  CHECK(runner.arena_blocks() == warm);
}
