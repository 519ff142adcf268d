// How chunks are spread over ranks and summed: the arithmetic behind rank-count independence. The
// MPI runs themselves are tests/distributed/*.sh.
#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "distributed/communicator.hpp"
#include "distributed/tree_sum.hpp"

using namespace neuralrg;

TEST_CASE("chunks are spread contiguously, in rank order, rank 0 first") {
  for (int size = 1; size <= 9; ++size)
    for (Index chunks = 0; chunks <= 40; ++chunks) {
      Index next = 0;
      for (int rank = 0; rank < size; ++rank) {
        const Communicator comm(nullptr, rank, size);
        const ChunkRange mine = comm.owned(chunks);
        CHECK(mine.begin == next);
        CHECK(mine.size() >= chunks / size);
        CHECK(mine.size() <= chunks / size + 1);
        for (Index c = mine.begin; c < mine.end; ++c) CHECK(comm.owner(c, chunks) == rank);
        next = mine.end;
      }
      CHECK(next == chunks);
      if (chunks > 0) CHECK(Communicator(nullptr, 0, size).owner(0, chunks) == 0);
    }
}

namespace {

// The tree tree_sum promises, written as a recursion: [lo, hi) splits at the largest power of two
// below its size counted from lo's alignment.
Scalar pairwise(const std::vector<Scalar>& v, Index lo, Index span) {
  if (span == 1) return v[static_cast<std::size_t>(lo)];
  const Index half = span / 2;
  const Scalar left = pairwise(v, lo, half);
  if (lo + half >= static_cast<Index>(v.size())) return left;
  return left + pairwise(v, lo + half, half);
}

}  // namespace

TEST_CASE("tree_sum sums along the pairwise tree over chunk indices, bit for bit") {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> u(-1, 1);
  for (Index chunks : {1, 2, 3, 5, 8, 13, 64}) {
    std::vector<Scalar> values;
    std::vector<std::vector<Scalar>> mine;
    for (Index c = 0; c < chunks; ++c) {
      // Magnitudes over many decades: a different order would round differently.
      values.push_back(static_cast<Scalar>(u(gen) * std::pow(10.0, static_cast<int>(c % 7) * 3)));
      mine.push_back({values.back(), 2 * values.back()});
    }
    Index span = 1;
    while (span < chunks) span *= 2;
    std::vector<Scalar> total;
    std::vector<Scalar> scratch;
    tree_sum(Communicator::self(), chunks, 2, mine, total, scratch);
    REQUIRE(total.size() == 2);
    const Scalar expected = pairwise(values, 0, span);
    CHECK(std::memcmp(&total[0], &expected, sizeof(Scalar)) == 0);
    const Scalar twice = 2 * expected;  // doubling is exact, so the second column is too
    CHECK(std::memcmp(&total[1], &twice, sizeof(Scalar)) == 0);
  }
}

TEST_CASE("tree_sum of no chunks is zero") {
  std::vector<std::vector<Scalar>> none;
  std::vector<Scalar> total = {7, 7, 7};
  std::vector<Scalar> scratch;
  tree_sum(Communicator::self(), 0, 3, none, total, scratch);
  CHECK(total == std::vector<Scalar>{0, 0, 0});
}
