#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace neuralrg {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int error) {
  throw WriteError(fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(error)));
}

// write(2) until done: short writes (a disk filling up, a file size limit) continue until the
// kernel reports the error itself.
int write_all(int fd, std::string_view content) {
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::string temp = (dir / fmt::format(".{}.tmp-XXXXXX", path.filename().string())).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) fail(path, "create a temporary file", errno);
  auto abandon = [&](const char* what, int error) {
    ::unlink(temp.c_str());
    fail(path, what, error);
  };
  if (const int error = write_all(fd, content)) {
    ::close(fd);
    abandon("write", error);
  }
  if (::fsync(fd) != 0 || ::fchmod(fd, 0644) != 0) {
    const int error = errno;
    ::close(fd);
    abandon("sync", error);
  }
  // NFS and some FUSE file systems report a deferred write error only at close.
  if (::close(fd) != 0) abandon("close", errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) abandon("rename into place", errno);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

bool is_atomic_write_leftover(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const auto tag = name.rfind(".tmp-");
  return name.size() > 1 && name[0] == '.' && tag != std::string::npos &&
         name.size() - tag == 11;  // ".tmp-" and mkstemp's six characters
}

AppendFile::AppendFile(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) fail(path_, "open for appending", errno);
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view text) {
  if (const int error = write_all(fd_, text)) fail(path_, "append", error);
}

void AppendFile::sync() {
  if (::fsync(fd_) != 0) fail(path_, "sync", errno);
}

void AppendFile::close() {
  const int fd = fd_;
  fd_ = -1;
  if (fd >= 0 && ::close(fd) != 0) fail(path_, "close", errno);
}

}  // namespace neuralrg
