// Many processes: MPI's C API (Open MPI on Debian). Every call is made from the main thread (TBB
// workers never communicate), so MPI_THREAD_FUNNELED suffices.
#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

#include "distributed/communicator.hpp"

namespace neuralrg {

struct Communicator::Handle {
  MPI_Comm comm;
};

namespace {

bool session_started = false;
int saved_error_fd = STDERR_FILENO;

// Set by Open MPI's mpirun, by MPICH's hydra and by SLURM's PMI/PMIx plugins. A plain start is one
// process and never touches MPI (whose initialisation can be slow or chatty without a launcher).
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

const Communicator& serial() {
  static const Communicator one(nullptr, 0, 1);
  return one;
}

int count_of(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error(
        fmt::format("a message of {} bytes exceeds MPI's 2 GiB per call", bytes));
  return static_cast<int>(bytes);
}

MPI_Comm comm_of(const std::shared_ptr<Communicator::Handle>& h) {
  return h ? h->comm : MPI_COMM_SELF;
}

// Ranks other than 0 would repeat every line rank 0 prints.
void silence_this_rank() {
  saved_error_fd = ::dup(STDERR_FILENO);
  const int null = ::open("/dev/null", O_WRONLY);
  if (null < 0) return;
  ::dup2(null, STDOUT_FILENO);
  ::dup2(null, STDERR_FILENO);
  ::close(null);
}

}  // namespace

const Communicator& Communicator::world() {
  if (!session_started) return serial();
  static const Communicator all = [] {
    int rank = 0;
    int size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return Communicator(std::make_shared<Handle>(Handle{MPI_COMM_WORLD}), rank, size);
  }();
  return all;
}

const Communicator& Communicator::self() {
  return serial();
}

void Communicator::broadcast(std::span<std::byte> data) const {
  if (size_ == 1) return;
  MPI_Bcast(data.data(), count_of(data.size()), MPI_BYTE, 0, comm_of(handle_));
}

namespace {

// Byte counts and offsets of every rank's part, for the v-variants of the collectives.
struct Parts {
  std::vector<int> counts;
  std::vector<int> offsets;
  std::size_t total = 0;
};

Parts parts_of(const std::vector<std::uint64_t>& sizes) {
  Parts p;
  for (const auto s : sizes) {
    p.offsets.push_back(count_of(p.total));
    p.counts.push_back(count_of(s));
    p.total += s;
  }
  count_of(p.total);
  return p;
}

}  // namespace

std::vector<std::byte> Communicator::all_gather(std::span<const std::byte> mine) const {
  if (size_ == 1) return {mine.begin(), mine.end()};
  std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
  const std::uint64_t my_size = mine.size();
  MPI_Allgather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, comm_of(handle_));
  const Parts p = parts_of(sizes);
  std::vector<std::byte> all(p.total);
  MPI_Allgatherv(mine.data(), count_of(mine.size()), MPI_BYTE, all.data(), p.counts.data(),
                 p.offsets.data(), MPI_BYTE, comm_of(handle_));
  return all;
}

bool Communicator::any(bool flag) const {
  if (size_ == 1) return flag;
  int mine = flag ? 1 : 0;
  int result = 0;
  MPI_Allreduce(&mine, &result, 1, MPI_INT, MPI_LOR, comm_of(handle_));
  return result != 0;
}

void Communicator::exchange(std::span<const Message> sends,
                            std::span<const Message> receives) const {
  std::vector<MPI_Request> requests;
  for (const auto& m : receives) {
    requests.emplace_back();
    MPI_Irecv(m.data.data(), count_of(m.data.size()), MPI_BYTE, m.peer, m.tag, comm_of(handle_),
              &requests.back());
  }
  for (const auto& m : sends) {
    requests.emplace_back();
    MPI_Isend(m.data.data(), count_of(m.data.size()), MPI_BYTE, m.peer, m.tag, comm_of(handle_),
              &requests.back());
  }
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

void Communicator::idle_barrier() const {
  if (size_ == 1) return;
  MPI_Request request;
  MPI_Ibarrier(comm_of(handle_), &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void Communicator::abort(int status) const {
  if (size_ == 1 && !session_started) std::exit(status);
  MPI_Abort(size_ == 1 ? MPI_COMM_SELF : comm_of(handle_), status);
  std::exit(status);  // MPI_Abort does not return; this satisfies [[noreturn]]
}

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  session_started = true;
  if (Communicator::world().rank() != 0)
    silence_this_rank();
  else if (provided < MPI_THREAD_FUNNELED)
    fmt::print(stderr,
               "warning: this MPI library does not support threads alongside MPI "
               "(MPI_THREAD_FUNNELED); run with --threads 1 if ranks misbehave\n");
}

MpiSession::~MpiSession() {
  if (session_started) MPI_Finalize();
}

int rank_error_fd() {
  return saved_error_fd;
}
bool mpi_available() {
  return true;
}

}  // namespace neuralrg
