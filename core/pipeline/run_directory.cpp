#include "pipeline/run_directory.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <ctime>
#include <optional>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "config/yaml_document.hpp"
#include "plugin/plugin_json.hpp"
#include "util/atomic_file.hpp"
#include "util/json.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

fs::path default_run_directory(const PipelineSpec& spec) {
  const auto now = std::chrono::system_clock::now();
  return fs::path("runs") / fmt::format("{}-{:%Y%m%d-%H%M%S}", spec.name,
                                        std::chrono::floor<std::chrono::seconds>(now));
}

namespace {

std::string read_all(int fd) {
  std::string text(256, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return text;
}

// "pid 12, host h, started 2024-05-01 10:00:00" from the lock file's lines.
std::string holder_text(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.empty()) return "a process that has not yet written its pid";
  std::string out;
  for (char c : text) out += c == '\n' ? std::string(", ") : std::string(1, c);
  return out;
}

// The lock file's text when another process holds its lock, else nothing.
std::optional<std::string> lock_holder(const fs::path& dir) {
  const int fd = ::open((dir / "lock").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> holder;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) holder = read_all(fd);
  ::close(fd);
  return holder;
}

[[noreturn]] void refuse_held(const fs::path& dir, const std::string& holder) {
  throw std::runtime_error(fmt::format(
      "{}: the run directory is in use by another neuralrg process ({}); wait for it to finish or "
      "stop it first",
      dir.string(), holder_text(holder)));
}

// Takes the lock on dir/lock and writes who holds it; throws naming the holder when it is taken.
RunLock acquire(const fs::path& dir) {
  const fs::path file = dir / "lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  RunLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) refuse_held(dir, read_all(fd));
    throw std::runtime_error(
        fmt::format("{}: cannot lock: {}", file.string(), std::strerror(errno)));
  }
  char host[256] = "unknown";
  ::gethostname(host, sizeof host - 1);
  const std::string text = fmt::format("pid {}\nhost {}\nstarted {:%Y-%m-%d %H:%M:%S}\n",
                                       ::getpid(), host, fmt::localtime(std::time(nullptr)));
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    throw WriteError(fmt::format("{}: cannot write: {}", file.string(), std::strerror(errno)));
  return lock;
}

fs::path staging_prefix(const fs::path& dir) {
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  return parent / fmt::format(".{}.partial-", dir.filename().string());
}

// Staging folders of create_run_directory whose process is gone (killed before its rename).
void remove_stale_staging(const fs::path& dir) {
  const fs::path prefix = staging_prefix(dir);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(prefix.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    const std::string want = prefix.filename().string();
    if (name.rfind(want, 0) != 0) continue;
    const std::string pid = name.substr(want.size());
    // Linux PIDs have at most 7 digits (pid_max ≤ 2^22); longer names are not ours.
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH)
      fs::remove_all(entry.path(), ec);
  }
}

// Temporary files of atomic writes interrupted by a kill. Only the lock holder writes in a run
// directory, so under the lock every such file is stale. variants/ holds runs with locks of
// their own.
void remove_write_leftovers(const fs::path& dir) {
  std::vector<fs::path> folders{dir};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory() && entry.path().filename() != "variants")
      folders.push_back(entry.path());
  for (const auto& folder : folders)
    for (const auto& entry : fs::directory_iterator(folder, ec))
      if (entry.is_regular_file() && is_atomic_write_leftover(entry.path()))
        fs::remove(entry.path(), ec);
}

}  // namespace

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

RunLock lock_run_directory(const fs::path& dir) {
  RunLock lock = acquire(dir);
  remove_write_leftovers(dir);
  remove_stale_staging(dir);
  return lock;
}

RunLock create_run_directory(const fs::path& dir, const PipelineSpec& spec,
                             const PluginRegistry& registry) {
  auto refuse_existing = [&] {
    if (const auto holder = lock_holder(dir)) refuse_held(dir, *holder);
    throw std::runtime_error(fmt::format(
        "{}: run directory already exists and is not empty; choose another --out or continue it "
        "with --resume {}",
        dir.string(), dir.string()));
  };
  std::error_code ec;
  // An existing file (even an empty one) is the user's: never replaced by a run directory.
  if (fs::exists(fs::symlink_status(dir, ec)) && !fs::is_directory(fs::symlink_status(dir, ec)))
    throw std::runtime_error(
        fmt::format("{}: exists and is not a directory; choose another --out", dir.string()));
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) refuse_existing();
  fs::create_directories(staging_prefix(dir).parent_path());
  remove_stale_staging(dir);
  const fs::path staging = staging_prefix(dir).string() + std::to_string(::getpid());
  fs::remove_all(staging, ec);
  try {
    fs::create_directory(staging);
    RunLock lock = acquire(staging);  // the same inode once renamed: held from the start
    write_run_config(staging, spec);
    write_file_atomic(staging / "plugins.json", json_text(plugins_json(registry)));
    if (fs::exists(dir, ec)) fs::remove(dir, ec);  // an empty directory the user made
    // Another process creating the same directory at the same moment loses this race here.
    if (::rename(staging.c_str(), dir.c_str()) != 0) {
      if (errno != ENOTEMPTY && errno != EEXIST)
        throw std::runtime_error(fmt::format("{}: cannot rename {} into place: {}", dir.string(),
                                             staging.string(), std::strerror(errno)));
      refuse_existing();
    }
    return lock;
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
}

void write_run_config(const fs::path& dir, const PipelineSpec& spec) {
  write_file_atomic(dir / "config.yaml",
                    fmt::format("# Resolved configuration of {} (every default filled in)\n{}",
                                spec.file.string(), to_yaml(spec.resolved)));
}

std::vector<std::size_t> completed_stages(const fs::path& dir) {
  std::vector<std::size_t> out;
  std::ifstream in(dir / "stages.done");
  std::size_t index;
  while (in >> index) out.push_back(index);
  return out;
}

void mark_stage_completed(const fs::path& dir, std::size_t index) {
  std::string text;
  for (std::size_t i : completed_stages(dir)) text += fmt::format("{}\n", i);
  write_file_atomic(dir / "stages.done", text + fmt::format("{}\n", index));
}

void reopen_stages(const fs::path& dir, std::size_t first) {
  std::string text;
  for (std::size_t i : completed_stages(dir))
    if (i < first) text += fmt::format("{}\n", i);
  write_file_atomic(dir / "stages.done", text);
}

}  // namespace neuralrg
