// Crash-safe, checked file writes: a reader sees either the old file or the complete new one, and
// every failure (a full disk, a file size limit, an I/O error) is reported, never swallowed.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace neuralrg {

/// A write, flush, sync or close failed; the message names the file and the OS error. Whatever
/// was written before is still consistent, so a run stopped by it can be resumed.
struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Writes `content` to a temporary file beside `path`, fsyncs it, renames it over `path` and
/// fsyncs the directory. Throws WriteError naming the file on any failure (the temporary file is
/// removed). Temporary files are named `.<name>.tmp-XXXXXX`; a killed process leaves them behind.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// True for the name of a temporary file write_file_atomic creates.
bool is_atomic_write_leftover(const std::filesystem::path& path);

/// A file opened for appending whose every write is checked. A failed append may leave a partial
/// line at the end of the file; readers of such files must drop an unterminated last line.
class AppendFile {
 public:
  explicit AppendFile(const std::filesystem::path& path);
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  void append(std::string_view text);
  /// fsync: what was appended survives a power loss (called before a checkpoint that covers it).
  void sync();
  /// Closes now, reporting a close error (the destructor cannot).
  void close();

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace neuralrg
