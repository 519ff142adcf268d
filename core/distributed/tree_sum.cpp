#include "distributed/tree_sum.hpp"

#include <stdexcept>

namespace neuralrg {
namespace {

std::span<std::byte> bytes_of(std::vector<Scalar>& v) {
  return std::as_writable_bytes(std::span<Scalar>(v));
}

// The messages of one level: a right child owned by another rank than its left sibling is sent
// to the left sibling's owner. Contiguous ownership leaves at most one such pair per rank.
void exchange_level(const Communicator& comm, Index chunks, Index span, int level,
                    std::vector<std::vector<Scalar>>& mine, Index first,
                    std::vector<Scalar>& incoming) {
  std::vector<Communicator::Message> sends;
  std::vector<Communicator::Message> receives;
  for (Index left = 0; left + span < chunks; left += 2 * span) {
    const int left_owner = comm.owner(left, chunks);
    const int right_owner = comm.owner(left + span, chunks);
    if (left_owner == right_owner) continue;
    if (right_owner == comm.rank())
      sends.push_back(
          {left_owner, level, bytes_of(mine[static_cast<std::size_t>(left + span - first)])});
    if (left_owner == comm.rank()) receives.push_back({right_owner, level, bytes_of(incoming)});
  }
  if (receives.size() > 1 || sends.size() > 1)
    throw std::logic_error("tree_sum: more than one message per rank and level");
  if (!sends.empty() || !receives.empty()) comm.exchange(sends, receives);
}

}  // namespace

void tree_sum(const Communicator& comm, Index chunks, std::size_t width,
              std::vector<std::vector<Scalar>>& mine, std::vector<Scalar>& total,
              std::vector<Scalar>& incoming) {
  const ChunkRange owned = comm.owned(chunks);
  auto local = [&](Index chunk) -> std::vector<Scalar>& {
    return mine[static_cast<std::size_t>(chunk - owned.begin)];
  };
  incoming.resize(width);
  int level = 0;
  for (Index span = 1; span < chunks; span *= 2, ++level) {
    exchange_level(comm, chunks, span, level, mine, owned.begin, incoming);
    for (Index left = 0; left + span < chunks; left += 2 * span) {
      if (!owned.contains(left)) continue;
      std::vector<Scalar>& sum = local(left);
      const std::vector<Scalar>& right =
          owned.contains(left + span) ? local(left + span) : incoming;
      for (std::size_t i = 0; i < width; ++i) sum[i] += right[i];
    }
  }
  total.assign(width, Scalar(0));
  if (comm.is_root() && chunks > 0) total = local(0);
  comm.broadcast(bytes_of(total));
}

}  // namespace neuralrg
