// Runs the neuralrg executable and captures its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace neuralrg::test {

struct CliResult {
  int status;
  std::string out, err;
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The rows of RUN_DIR/metrics.csv without the wall-clock column (the last one), for comparing
/// runs that must agree in everything but timing.
inline std::vector<std::string> metrics_without_seconds(const std::filesystem::path& dir) {
  std::istringstream in(read_text(dir / "metrics.csv"));
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

/// `args` is appended to the executable path as shell words (quote paths with spaces yourself).
inline CliResult run_cli(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("neuralrg-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  const std::string command = env + " " + NEURALRG_CLI + " " + args + " >" +
                              (dir / "out").string() + " 2>" + (dir / "err").string();
  const int raw = std::system(command.c_str());
  CliResult r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_text(dir / "out"),
              read_text(dir / "err")};
  std::filesystem::remove_all(dir);
  return r;
}

/// A fresh temporary directory removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("neuralrg-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

}  // namespace neuralrg::test
