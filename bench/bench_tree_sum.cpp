// The cost of combining gradients across ranks: tree_sum of P parameters over 8 chunks per rank
// plus the broadcast of the total, as the train stage does every step. Run under mpirun:
//   mpirun -np 2 build/bin/bench_tree_sum [repetitions]
// Prints CSV on rank 0: ranks, parameters, bytes per message, median/min/max seconds per step.
#include <fmt/format.h>

#include <cstdlib>

#include "distributed/communicator.hpp"
#include "distributed/tree_sum.hpp"
#include "timing.hpp"

using namespace neuralrg;

int main(int argc, char** argv) {
  const MpiSession mpi(argc, argv);
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 50;
  const Communicator& world = Communicator::world();
  const Index chunks = 8 * world.size();
  if (world.is_root()) fmt::print("ranks,parameters,bytes,median_s,min_s,max_s\n");
  for (const std::size_t width : {1'000UL, 10'000UL, 100'000UL, 1'000'000UL}) {
    std::vector<std::vector<Scalar>> mine(static_cast<std::size_t>(world.owned(chunks).size()),
                                          std::vector<Scalar>(width, Scalar(1)));
    std::vector<Scalar> total;
    std::vector<Scalar> scratch;
    std::vector<double> seconds;
    for (int rep = 0; rep <= repetitions; ++rep) {
      for (auto& m : mine) std::fill(m.begin(), m.end(), Scalar(1));
      world.any(false);  // every rank starts the step together, as after a batch
      const double s =
          bench::seconds_of([&] { tree_sum(world, chunks, width, mine, total, scratch); });
      if (rep > 0) seconds.push_back(s);  // the first touches fresh memory
    }
    const auto t = bench::summarize(seconds);
    if (world.is_root())
      fmt::print("{},{},{},{:.3e},{:.3e},{:.3e}\n", world.size(), width, width * sizeof(Scalar),
                 t.median, t.min, t.max);
  }
}
