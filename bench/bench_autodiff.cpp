// Forward + backward of the Real NVP conditioner MLP [4, 10, 10, 10, 4] with ELU on 87 040 rows
// (512 samples × 170 blocks): our tape against a hand-written Eigen forward/backward of the same
// network, in the same run. Prints one CSV row per (implementation, threads).
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <cstdlib>
#include <vector>

#include "autodiff/parallel.hpp"
#include "distributed/gradient_reducer.hpp"
#include "neuralrg/rng.hpp"
#include "timing.hpp"

using namespace neuralrg;

namespace {

constexpr Index kRows = 87040;
constexpr Index kChunk = 2720;  // 87040 / 32 chunks
const std::vector<Index> kWidths = {4, 10, 10, 10, 4};

struct Net {
  std::vector<Parameter> W, b;
  explicit Net(std::uint64_t seed) {
    Rng rng(seed);
    for (std::size_t i = 0; i + 1 < kWidths.size(); ++i) {
      Matrix w(kWidths[i + 1], kWidths[i]), bias(1, kWidths[i + 1]);
      rng.fill_normal(w);
      rng.fill_normal(bias);
      W.push_back({"W", 0.3 * w, {}});
      b.push_back({"b", 0.1 * bias, {}});
    }
  }
  std::vector<Parameter*> params() {
    std::vector<Parameter*> out;
    for (std::size_t i = 0; i < W.size(); ++i) {
      out.push_back(&W[i]);
      out.push_back(&b[i]);
    }
    return out;
  }
};

// Loss = Σ outputs; gradients for all weights, via the tape.
void tape_step(Net& net, const Matrix& x, ChunkRunner& runner, GradientReducer& reducer) {
  auto params = net.params();
  reducer.prepare(params, runner.chunks(kRows));
  runner.run(kRows, [&](Index chunk, Index begin, Index end, Tape& tape) {
    Var h = tape.constant(x.middleRows(begin, end - begin));
    for (std::size_t i = 0; i < net.W.size(); ++i) {
      h = linear(h, tape.param(net.W[i]), tape.param(net.b[i]));
      if (i + 1 < net.W.size()) h = elu(h);
    }
    tape.backward(sum(h));
    reducer.collect(chunk, tape, params);
  });
  reducer.reduce(params);
}

// The same computation written by hand with Eigen: buffers allocated once per chunk slot.
struct HandWritten {
  struct Buffers {
    std::vector<Matrix> pre, act;
    Matrix grad, grad_prev;
    std::vector<Matrix> gW, gb;
  };
  std::vector<Buffers> slots;

  void step(Net& net, const Matrix& x, Index chunks) {
    if (static_cast<Index>(slots.size()) < chunks) slots.resize(chunks);
    const std::size_t layers = net.W.size();
    tbb::parallel_for(Index{0}, chunks, [&](Index c) {
      Buffers& s = slots[c];
      const Index begin = c * kChunk, rows = std::min(kChunk, kRows - begin);
      s.pre.resize(layers);
      s.act.resize(layers + 1);
      s.gW.resize(layers);
      s.gb.resize(layers);
      s.act[0] = x.middleRows(begin, rows);
      for (std::size_t i = 0; i < layers; ++i) {
        s.pre[i].noalias() = s.act[i] * net.W[i].value.transpose();
        s.pre[i].rowwise() += net.b[i].value.row(0);
        if (i + 1 < layers)
          s.act[i + 1] =
              s.pre[i].array().max(Scalar(0)) + s.pre[i].array().min(Scalar(0)).exp() - 1;
        else
          s.act[i + 1] = s.pre[i];
      }
      s.grad.setOnes(rows, kWidths.back());
      for (std::size_t i = layers; i-- > 0;) {
        if (i + 1 < layers)  // through the ELU
          s.grad.array() *= s.act[i + 1].array().min(Scalar(0)) + 1;
        s.gW[i].noalias() = s.grad.transpose() * s.act[i];
        s.gb[i] = s.grad.colwise().sum();
        if (i > 0) {
          s.grad_prev.noalias() = s.grad * net.W[i].value;
          std::swap(s.grad, s.grad_prev);
        }
      }
    });
    for (std::size_t i = 0; i < layers; ++i) {
      net.W[i].grad.setZero(net.W[i].value.rows(), net.W[i].value.cols());
      net.b[i].grad.setZero(1, net.b[i].value.cols());
      for (Index c = 0; c < chunks; ++c) {
        net.W[i].grad += slots[c].gW[i];
        net.b[i].grad += slots[c].gb[i];
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 20;
  Matrix x(kRows, 4);
  Rng rng(1);
  rng.fill_normal(x);
  double flops = 0;
  for (std::size_t i = 0; i + 1 < kWidths.size(); ++i)
    flops += 2.0 * kRows * kWidths[i] * kWidths[i + 1];
  flops *= 3;  // forward, input gradients, weight gradients

  fmt::print("implementation,threads,median_s,min_s,max_s,gflops,ratio_to_eigen\n");
  for (int threads : {1, 2}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    Net net(2);
    ChunkRunner runner(kChunk);
    GradientReducer reducer;
    HandWritten hand;
    const auto [t_tape, t_hand] = bench::time_interleaved(
        repetitions, [&] { tape_step(net, x, runner, reducer); },
        [&] { hand.step(net, x, runner.chunks(kRows)); });
    fmt::print("tape,{},{:.5f},{:.5f},{:.5f},{:.2f},{:.3f}\n", threads, t_tape.median, t_tape.min,
               t_tape.max, flops / t_tape.median / 1e9, t_tape.median / t_hand.median);
    fmt::print("eigen_by_hand,{},{:.5f},{:.5f},{:.5f},{:.2f},1.000\n", threads, t_hand.median,
               t_hand.min, t_hand.max, flops / t_hand.median / 1e9);
  }
}
