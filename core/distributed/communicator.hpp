// The processes of a job and what they exchange. Ranks are threads one level up: a batch of chunks
// (training) or of chains (sampling) is cut into contiguous ranges, one per rank, and everything
// they combine is combined in an order fixed by the chunk index, so results do not depend on the
// rank count. Without MPI (or not launched by an MPI launcher) there is one rank and every
// operation is a copy or nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "neuralrg/types.hpp"

namespace neuralrg {

/// Chunks [begin, end).
struct ChunkRange {
  Index begin = 0;
  Index end = 0;
  Index size() const { return end - begin; }
  bool contains(Index chunk) const { return chunk >= begin && chunk < end; }
};

class Communicator {
 public:
  /// Every process of the job (MPI_COMM_WORLD when launched by mpirun or srun).
  static const Communicator& world();
  /// This process alone.
  static const Communicator& self();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  /// The chunks of `chunks` rank `rank` owns: contiguous, in rank order, sizes differing by ≤ 1.
  ChunkRange owned_by(int rank, Index chunks) const;
  ChunkRange owned(Index chunks) const { return owned_by(rank_, chunks); }
  int owner(Index chunk, Index chunks) const;

  /// Rank 0's bytes to every rank (the sizes must agree).
  void broadcast(std::span<std::byte> data) const;
  void broadcast(std::string& text) const;
  template <class T>
  requires std::is_trivially_copyable_v<T> T broadcast_value(T value)
  const {
    broadcast(std::as_writable_bytes(std::span<T, 1>(&value, 1)));
    return value;
  }
  /// Every rank's bytes, concatenated in rank order, on every rank.
  std::vector<std::byte> all_gather(std::span<const std::byte> mine) const;
  /// True on every rank when `flag` is true on any.
  bool any(bool flag) const;

  struct Message {
    int peer;
    int tag;
    std::span<std::byte> data;
  };
  /// Posts every send and receive, then waits for all of them (no ordering deadlock).
  void exchange(std::span<const Message> sends, std::span<const Message> receives) const;

  /// Waits for every rank while yielding the core (idle ranks must not slow a busy one down on
  /// an oversubscribed node, which a spinning MPI barrier does).
  void idle_barrier() const;
  /// Ends every process of the job with `status`.
  [[noreturn]] void abort(int status) const;

  struct Handle;
  Communicator(std::shared_ptr<Handle> handle, int rank, int size)
      : handle_(std::move(handle)), rank_(rank), size_(size) {}

 private:
  std::shared_ptr<Handle> handle_;
  int rank_ = 0;
  int size_ = 1;
};

/// An error every rank raises at the same point (their agreement was a collective call), so each
/// ends normally with it; any other error on one of several ranks ends the whole job.
struct CollectiveError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Starts MPI when this process was launched by an MPI launcher (and the build has MPI), and ends
/// it on destruction. Ranks other than 0 write nothing to the terminal: their standard output
/// and error go to /dev/null; quiet_rank_stderr() keeps the original error stream for a rank's
/// own fatal error.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

/// The error stream a rank's own fatal message goes to (stderr before MpiSession silenced it).
int rank_error_fd();

/// True when this build can run on several processes.
bool mpi_available();

}  // namespace neuralrg
