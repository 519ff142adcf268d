#include "pipeline/variant_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "config/yaml_document.hpp"
#include "pipeline/run_context.hpp"
#include "pipeline/run_directory.hpp"
#include "util/atomic_file.hpp"

extern char** environ;

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

// Everything a child needs is on its command line; its output goes to its own log file so
// concurrent variants do not interleave (and the terminal shows one line per event instead).
pid_t spawn_variant(const VariantRunOptions& o, const std::vector<std::string>& args,
                    const fs::path& log) {
  std::vector<std::string> argv = {o.executable.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const auto& p : o.plugin_path) {
    argv.push_back("--plugin-path");
    argv.push_back(p.string());
  }
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  // A child of an MPI rank is one process of its own: without the launcher's variables it does not
  // take itself for a rank of the job.
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with("OMPI_") && !entry.starts_with("PMIX_") && !entry.starts_with("PMI_"))
      env.push_back(*e);
  }
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(error)));
  return pid;
}

}  // namespace

bool variant_finished(const fs::path& dir, std::size_t stages) {
  return completed_stages(dir).size() >= stages;
}

std::vector<VariantOutcome> run_variants(const PipelineSpec& spec, const fs::path& run_dir,
                                         const VariantRunOptions& o) {
  const fs::path root = run_dir / "variants";
  fs::create_directories(root);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = std::max(1, o.jobs);
  const int threads = o.threads_per_job > 0 ? o.threads_per_job : std::max(1, cores / jobs);

  std::vector<VariantOutcome> outcomes;
  std::vector<std::vector<std::string>> commands;
  for (std::size_t i = 0; i < spec.variants.size(); ++i) {
    const auto& v = spec.variants[i];
    const fs::path dir = root / v.name;
    outcomes.push_back({v.name, dir, kNotRunHere});
    const bool here = !o.only || std::ranges::find(*o.only, i) != o.only->end();
    if (variant_finished(dir, spec.stages.size())) {
      outcomes.back().status = 0;
      commands.emplace_back();
      if (here) fmt::print("variant {}: already completed\n", v.name);
      continue;
    }
    if (!here) {
      commands.emplace_back();
      continue;
    }
    std::vector<std::string> args = {"run"};
    if (fs::exists(dir / "config.yaml")) {
      args.insert(args.end(), {"--resume", dir.string()});
    } else {
      Value tree = variant_tree(spec, v);
      set_path(tree, "name", Value::scalar(fmt::format("{}-{}", spec.name, v.name), {}, "name"),
               Location{"variant " + v.name, 0, 0});
      const fs::path file = root / (v.name + ".yaml");
      write_file_atomic(
          file, fmt::format("# Variant {} of {}\n{}", v.name, spec.file.string(), to_yaml(tree)));
      args.insert(args.end(), {file.string(), "--out", dir.string()});
    }
    args.insert(args.end(), {"--threads", std::to_string(threads)});
    commands.push_back(std::move(args));
  }

  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  auto start_more = [&] {
    while (static_cast<int>(running.size()) < jobs && next < commands.size()) {
      const std::size_t i = next++;
      if (commands[i].empty()) continue;
      if (stop_requested()) return;
      const fs::path log = root / (outcomes[i].name + ".log");
      running[spawn_variant(o, commands[i], log)] = i;
      fmt::print("variant {}: started ({} threads, log {})\n", outcomes[i].name, threads,
                 log.string());
      std::fflush(stdout);
    }
  };
  start_more();
  while (!running.empty()) {
    int raw = 0;
    const pid_t pid = ::waitpid(-1, &raw, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;  // Ctrl-C: the children checkpoint and exit on their own
      throw std::runtime_error(fmt::format("waiting for variants: {}", std::strerror(errno)));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    VariantOutcome& out = outcomes[it->second];
    out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    running.erase(it);
    fmt::print(
        "variant {}: {}\n", out.name,
        out.status == 0 ? "done" : fmt::format("failed (exit status {}; see its log)", out.status));
    std::fflush(stdout);
    start_more();
  }
  return outcomes;
}

}  // namespace neuralrg
