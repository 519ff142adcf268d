// One generative pass and one inference pass of the default flow (mera, realnvp) at L = 16,
// batch 512, and a training step (generative pass + backward), for 1 and 2 threads.
// Prints CSV: pass,threads,median_s,min_s,max_s.
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <cstdlib>

#include "autodiff/parallel.hpp"
#include "distributed/gradient_reducer.hpp"
#include "support/plugins.hpp"
#include "timing.hpp"

using namespace neuralrg;

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 10;
  const Index L = argc > 2 ? std::atoi(argv[2]) : 16;
  const Index batch = 512, chunk = argc > 3 ? std::atoi(argv[3]) : 64;
  auto flow = test::make_flow({L, L}, "{}");
  auto params = flow->parameters();
  Matrix x(batch, L * L);
  fmt::print("pass,L,threads,median_s,min_s,max_s\n");
  for (int threads : {1, 2}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    ChunkRunner runner(chunk);
    GradientReducer reducer;
    auto generate = [&] {
      runner.run(batch, [&](Index c, Index begin, Index end, Tape& tape) {
        tape.freeze_parameters(true);
        Rng rng = Rng::stream(1, "bench", 0, static_cast<std::uint64_t>(c));
        x.middleRows(begin, end - begin) = flow->sample(tape, end - begin, rng).x.value();
      });
    };
    auto infer = [&] {
      runner.run(batch, [&](Index, Index begin, Index end, Tape& tape) {
        tape.freeze_parameters(true);
        flow->log_prob(tape.constant(x.middleRows(begin, end - begin)));
      });
    };
    auto train = [&] {
      reducer.prepare(params, runner.chunks(batch));
      runner.run(batch, [&](Index c, Index begin, Index end, Tape& tape) {
        tape.freeze_parameters(false);
        Rng rng = Rng::stream(1, "bench", 0, static_cast<std::uint64_t>(c));
        FlowSample s = flow->sample(tape, end - begin, rng);
        tape.backward(mean(s.log_q));
        reducer.collect(c, tape, params);
      });
      reducer.reduce(params);
    };
    generate();
    for (auto& [name, body] : std::vector<std::pair<const char*, std::function<void()>>>{
             {"generative", generate}, {"inference", infer}, {"generative+backward", train}}) {
      const auto t = bench::time_repeated(repetitions, body);
      fmt::print("{},{},{},{:.4f},{:.4f},{:.4f}\n", name, L, threads, t.median, t.min, t.max);
    }
  }
}
