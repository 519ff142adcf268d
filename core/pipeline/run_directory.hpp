// The run directory: created completely or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

/// The default run directory: runs/<name>-<YYYYmmdd-HHMMSS>.
std::filesystem::path default_run_directory(const PipelineSpec& spec);

/// An exclusive flock on RUN_DIR/lock, held while this object lives. The kernel drops it when the
/// process dies however it dies, so a stale lock file never blocks anyone; the file's text (pid,
/// host, start time) only names the holder in the refusal another process gets.
class RunLock {
 public:
  RunLock() = default;
  explicit RunLock(int fd) : fd_(fd) {}
  RunLock(RunLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// Locks an existing run directory (for --resume) and removes what killed processes left in it:
/// temporary files of atomic writes, and staging folders of processes that are gone. Throws,
/// naming the holder, when another process holds the lock.
RunLock lock_run_directory(const std::filesystem::path& dir);

/// Creates `dir` holding config.yaml (resolved) and plugins.json, locked. Everything is written
/// into a staging folder first and renamed into place, so a failure leaves no half-written
/// directory. Refuses an existing non-empty `dir`, naming the process that holds it if any.
RunLock create_run_directory(const std::filesystem::path& dir, const PipelineSpec& spec,
                             const PluginRegistry& registry);

/// Replaces DIR/config.yaml with the resolved configuration of `spec`, atomically (a resumed run
/// whose configuration change was accepted continues with the new one from then on).
void write_run_config(const std::filesystem::path& dir, const PipelineSpec& spec);

/// Indices of the stages a run directory has completed (from its stages.done file).
std::vector<std::size_t> completed_stages(const std::filesystem::path& dir);
/// Records stage `index` as completed.
void mark_stage_completed(const std::filesystem::path& dir, std::size_t index);
/// Forgets the completion of stage `first` and every later one, so they run again.
void reopen_stages(const std::filesystem::path& dir, std::size_t first);

}  // namespace neuralrg
