// A training run hit by a failed write (a file size limit standing in for a full disk) or killed
// with SIGKILL at random moments: every resume ends with the metrics and flow of an
// uninterrupted run.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>

#include "pipeline/child_process.hpp"
#include "support/cli.hpp"

using namespace neuralrg::test;
namespace fs = std::filesystem;

namespace {

std::string pipeline(int epochs) {
  return R"(name: tiny
seed: 5
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [6]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 40, chunk: 16, epochs: )" +
         std::to_string(epochs) + ", checkpoint_every: 2, keep_checkpoints: 2}\n";
}

void check_same_as(const fs::path& run, const fs::path& reference) {
  CHECK(metrics_without_seconds(run) == metrics_without_seconds(reference));
  CHECK(read_text(run / "flow.ckpt") == read_text(reference / "flow.ckpt"));
  CHECK(read_text(run / "stages.done") == "0\n");
}

std::uintmax_t largest_checkpoint(const fs::path& run) {
  std::uintmax_t size = 0;
  for (const auto& e : fs::directory_iterator(run / "checkpoints"))
    size = std::max(size, e.file_size());
  return size;
}

}  // namespace

TEST_CASE("a failed write stops the run resumably — the resume matches an uninterrupted run") {
  TempDir tmp;
  const auto file = tmp.write("p.yaml", pipeline(300));
  const fs::path full = tmp.path / "full";
  REQUIRE(run_cli("run " + file.string() + " --out " + full.string()).status == 0);
  const std::uintmax_t checkpoint = largest_checkpoint(full);
  const std::uintmax_t metrics = fs::file_size(full / "metrics.csv");
  REQUIRE(checkpoint + 400 < metrics);

  struct Fault {
    const char* name;
    std::uintmax_t limit;
    std::string message;
  };
  // Between the two sizes, metrics.csv hits the limit in the middle of a row. The largest
  // checkpoint is one with a three-digit epoch; 3 bytes less stops the first one (epoch 2).
  const Fault faults[] = {
      {"metrics", (checkpoint + metrics) / 2, "metrics.csv: cannot append: File too large"},
      {"checkpoint", checkpoint - 3, "epoch-00000002.ckpt: cannot write: File too large"}};
  for (const auto& fault : faults) {
    CAPTURE(fault.name);
    const fs::path run = tmp.path / fault.name;
    Child child = spawn_cli({"run", file.string(), "--out", run.string()}, tmp.path, fault.name,
                            static_cast<rlim_t>(fault.limit));
    const auto status = child.wait(60);
    INFO(child.output());
    REQUIRE(status.has_value());
    CHECK(*status == 74);
    CHECK(child.output().find(fault.message) != std::string::npos);
    CHECK(child.output().find("continue with: neuralrg run --resume " + run.string()) !=
          std::string::npos);
    for (const auto& e : fs::recursive_directory_iterator(run))
      CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    const auto resumed = run_cli("run --resume " + run.string());
    INFO(resumed.err);
    REQUIRE(resumed.status == 0);
    check_same_as(run, full);
  }
}

TEST_CASE("a partial or merged last metrics row never blocks a resume") {
  TempDir tmp;
  const auto file = tmp.write("p.yaml", pipeline(8));
  const fs::path full = tmp.path / "full", run = tmp.path / "run";
  REQUIRE(run_cli("run " + file.string() + " --out " + full.string()).status == 0);
  REQUIRE(run_cli("run " + file.string() + " --out " + run.string()).status == 0);
  fs::remove(run / "flow.ckpt");
  fs::remove(run / "stages.done");
  fs::remove(run / "checkpoints/epoch-00000008.ckpt");
  // Row 6 merged with a partial row 7, as a write interrupted by a full disk left it.
  std::string metrics = read_text(run / "metrics.csv");
  metrics.erase(metrics.find("\n7,") + 1);
  metrics.back() = ',';
  metrics += "7,-3";
  std::ofstream(run / "metrics.csv") << metrics;
  const auto r = run_cli("run --resume " + run.string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  check_same_as(run, full);
}

TEST_CASE("kill -9 at seeded random moments: every resume matches the uninterrupted run") {
  TempDir tmp;
  const auto file = tmp.write("p.yaml", pipeline(24));
  const fs::path full = tmp.path / "full";
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(run_cli("run " + file.string() + " --out " + full.string()).status == 0);
  const double duration =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::mt19937 rng(19);
  std::uniform_real_distribution<double> moment(0.0, duration);
  for (int k = 0; k < 8; ++k) {
    const double delay = moment(rng);
    CAPTURE(delay);
    const fs::path run = tmp.path / ("killed" + std::to_string(k));
    Child child = spawn_cli({"run", file.string(), "--out", run.string()}, tmp.path, "killed");
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(child.pid, SIGKILL);
    REQUIRE(child.wait(10).has_value());
    // Killed before its directory was renamed into place, a run simply starts again.
    const auto again = fs::exists(run / "config.yaml")
                           ? run_cli("run --resume " + run.string())
                           : run_cli("run " + file.string() + " --out " + run.string());
    INFO(again.err);
    REQUIRE(again.status == 0);
    check_same_as(run, full);
  }
}
