#include "distributed/communicator.hpp"

namespace neuralrg {

ChunkRange Communicator::owned_by(int rank, Index chunks) const {
  // Rounded up, so that rank 0 owns chunk 0 whenever there is one: pairwise sums end there.
  const auto boundary = [&](int r) { return (chunks * static_cast<Index>(r) + size_ - 1) / size_; };
  return {boundary(rank), boundary(rank + 1)};
}

int Communicator::owner(Index chunk, Index chunks) const {
  // The last rank r with owned_by(r).begin <= chunk (ranks owning nothing are skipped over).
  int lo = 0;
  int hi = size_ - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (owned_by(mid, chunks).begin <= chunk)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

void Communicator::broadcast(std::string& text) const {
  auto bytes = broadcast_value<std::uint64_t>(text.size());
  text.resize(bytes);
  broadcast(std::as_writable_bytes(std::span<char>(text.data(), text.size())));
}

}  // namespace neuralrg
