// One process: the build has no MPI.
#include <unistd.h>

#include <cstdlib>

#include "distributed/communicator.hpp"

namespace neuralrg {

struct Communicator::Handle {};

const Communicator& Communicator::world() {
  static const Communicator one(nullptr, 0, 1);
  return one;
}
const Communicator& Communicator::self() {
  return world();
}

void Communicator::broadcast(std::span<std::byte>) const {}
std::vector<std::byte> Communicator::all_gather(std::span<const std::byte> mine) const {
  return {mine.begin(), mine.end()};
}
bool Communicator::any(bool flag) const {
  return flag;
}
void Communicator::exchange(std::span<const Message> sends, std::span<const Message>) const {
  if (!sends.empty()) std::abort();  // one rank has no peer to send to: a bug in the caller
}
void Communicator::idle_barrier() const {}
void Communicator::abort(int status) const {
  std::exit(status);
}

MpiSession::MpiSession(int&, char**&) {}
MpiSession::~MpiSession() = default;
int rank_error_fd() {
  return STDERR_FILENO;
}
bool mpi_available() {
  return false;
}

}  // namespace neuralrg
