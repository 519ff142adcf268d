// The neuralrg executable as a child process the test can signal, wait for with a timeout, and
// run under a file size limit (a disk that fills up, without needing one).
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/cli.hpp"

namespace neuralrg::test {

struct Child {
  pid_t pid = -1;
  std::filesystem::path out, err;

  std::string output() const { return read_text(out) + read_text(err); }

  /// Waits until the child's stdout or stderr contains `text` (false on timeout or exit).
  bool wait_for_output(const std::string& text, double seconds) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  /// The exit status (128 + signal if killed), or nullopt when it runs longer than `seconds`;
  /// a child still running then is killed so that no test leaves one behind.
  std::optional<int> wait(double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int raw = 0;
    for (;;) {
      const pid_t done = ::waitpid(pid, &raw, WNOHANG);
      if (done == pid) break;
      if (std::chrono::steady_clock::now() > until) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &raw, 0);
        pid = -1;
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid = -1;
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  }
};

/// Starts `neuralrg ARGS...` with output into LOGS/NAME.out and .err. With `file_size_limit`,
/// files it writes cannot grow beyond that many bytes (RLIMIT_FSIZE; SIGXFSZ ignored, so the
/// write fails with EFBIG as on a full disk rather than killing the process).
inline Child spawn_cli(const std::vector<std::string>& args, const std::filesystem::path& logs,
                       const std::string& name, std::optional<rlim_t> file_size_limit = {}) {
  Child child{-1, logs / (name + ".out"), logs / (name + ".err")};
  std::vector<std::string> words{NEURALRG_CLI};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const std::string out = child.out.string(), err = child.err.string();
  child.pid = ::fork();
  if (child.pid == 0) {  // only async-signal-safe calls until exec
    if (file_size_limit) {
      const rlimit limit{*file_size_limit, *file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
      ::signal(SIGXFSZ, SIG_IGN);
    }
    ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDOUT_FILENO);
    ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

}  // namespace neuralrg::test
