// Faults around a run: stop signals in every stage, write failures, concurrent processes on one
// run directory, leftovers of killed processes, divergence.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "pipeline/checkpoint.hpp"
#include "pipeline/child_process.hpp"
#include "support/cli.hpp"

using namespace neuralrg;
using namespace neuralrg::test;
namespace fs = std::filesystem;

namespace {

const std::string kHead = R"(name: tiny
seed: 5
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [6]}}
)";

std::string train(int epochs, const std::string& extra = "") {
  return kHead +
         "stages:\n  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 40, chunk: 16, " +
         "epochs: " + std::to_string(epochs) + ", checkpoint_every: 3, keep_checkpoints: 2" +
         extra + "}\n";
}

// L = 8 physical-space HMC: minutes of sweeps unless stopped.
std::string long_sample(int sweeps) {
  return "name: sampling\nseed: 3\ntarget: {plugin: ising_dual, L: 8, beta: critical}\n"
         "flow: {block: {plugin: realnvp, couplings: 1, hidden: [4]}}\n"
         "stages:\n  - sample: {space: physical, sampler: {plugin: hmc}, chains: 256, warmup: 2, "
         "sweeps: " +
         std::to_string(sweeps) + "}\n";
}

}  // namespace

TEST_CASE("SIGTERM stops a long sample stage within seconds, resumably, with exit code 130") {
  TempDir tmp;
  const fs::path run = tmp.path / "run";
  Child child = spawn_cli(
      {"run", tmp.write("long.yaml", long_sample(200000)).string(), "--out", run.string()},
      tmp.path, "long");
  REQUIRE(child.wait_for_output("stage 0 (sample)", 30));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // While it runs, the directory is locked: a resume and a new run into it are refused at once.
  const auto second = run_cli("run --resume " + run.string());
  CHECK(second.status == 1);
  CHECK(second.err.find("the run directory is in use by another neuralrg process (pid " +
                        std::to_string(child.pid) + ", host ") != std::string::npos);
  CHECK(second.err.find(", started ") != std::string::npos);
  const auto fresh = run_cli("run " + (tmp.path / "long.yaml").string() + " --out " + run.string());
  CHECK(fresh.status == 1);
  CHECK(fresh.err.find("in use by another neuralrg process (pid " + std::to_string(child.pid)) !=
        std::string::npos);

  const auto signalled = std::chrono::steady_clock::now();
  ::kill(child.pid, SIGTERM);
  const auto status = child.wait(10);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  INFO(child.output());
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  CHECK(seconds < 3);
  CHECK(child.output().find("sample0: interrupted at sweep ") != std::string::npos);
  CHECK(child.output().find("neuralrg run --resume " + run.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(run / "stages.done"));

  const auto resumed = run_cli("run " + tmp.write("short.yaml", long_sample(20)).string() +
                               " --resume " + run.string() + " --allow-config-change");
  INFO(resumed.err);
  CHECK(resumed.status == 0);
  CHECK(read_text(run / "stages.done") == "0\n");
  CHECK(read_text(run / "observables.csv").find("0,hmc,physical,") != std::string::npos);
}

TEST_CASE("SIGINT stops a single huge training epoch within seconds") {
  TempDir tmp;
  const fs::path run = tmp.path / "run";
  std::string yaml = train(2);
  // Two million samples: minutes per epoch on this lattice.
  yaml.replace(yaml.find("batch: 40, chunk: 16"), 20, "batch: 2000000, chunk: 256");
  Child child = spawn_cli({"run", tmp.write("huge.yaml", yaml).string(), "--out", run.string()},
                          tmp.path, "huge");
  REQUIRE(child.wait_for_output("run directory:", 30));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto signalled = std::chrono::steady_clock::now();
  ::kill(child.pid, SIGINT);
  const auto status = child.wait(20);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  INFO(child.output());
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  CHECK(seconds < 3);
  CHECK(child.output().find("train: interrupted after 0 of 2 epochs; the run continues from "
                            "epoch 0. Continue with: neuralrg run --resume " +
                            run.string()) != std::string::npos);
}

TEST_CASE("two resumes of one run directory at once: one runs, the other is refused") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", train(40));
  const fs::path run = tmp.path / "run";
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + run.string() +
                  " --set stages.0.train.epochs=3")
              .status == 0);
  fs::remove(run / "stages.done");
  Child a = spawn_cli({"run", pipeline.string(), "--resume", run.string(), "--allow-config-change"},
                      tmp.path, "a");
  Child b = spawn_cli({"run", pipeline.string(), "--resume", run.string(), "--allow-config-change"},
                      tmp.path, "b");
  const auto sa = a.wait(60), sb = b.wait(60);
  REQUIRE(sa.has_value());
  REQUIRE(sb.has_value());
  INFO(a.output(), b.output());
  // Whichever came second either found the lock taken or, if the first had already finished,
  // nothing left to do; never two runs writing the same files.
  CHECK(read_text(run / "stages.done") == "0\n");
  CHECK(metrics_without_seconds(run).size() == 41);
  const std::string refused = (*sa != 0 ? a : b).output();
  if (*sa != 0 || *sb != 0) {
    CHECK(*sa + *sb == 1);
    CHECK(refused.find("in use by another neuralrg process") != std::string::npos);
  }
}

TEST_CASE("a run directory's lock or metrics file replaced by a symbolic link is not followed") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", train(4));
  const fs::path run = tmp.path / "run";
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + run.string()).status == 0);
  const fs::path victim = tmp.write("victim.txt", "a user's file\n");
  for (const char* name : {"lock", "metrics.csv"}) {
    CAPTURE(name);
    fs::rename(run / name, tmp.path / (std::string(name) + ".saved"));
    fs::create_symlink(victim, run / name);
    fs::remove(run / "stages.done");
    const auto resumed = run_cli("run --resume " + run.string());
    CHECK(resumed.status != 0);
    CHECK(read_text(victim) == "a user's file\n");
    fs::remove(run / name);
    fs::rename(tmp.path / (std::string(name) + ".saved"), run / name);
  }
}

TEST_CASE("two new runs into one --out at once: one runs, the other is refused cleanly") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", train(6));
  const fs::path run = tmp.path / "run";
  Child a = spawn_cli({"run", pipeline.string(), "--out", run.string()}, tmp.path, "a");
  Child b = spawn_cli({"run", pipeline.string(), "--out", run.string()}, tmp.path, "b");
  const auto sa = a.wait(60), sb = b.wait(60);
  REQUIRE(sa.has_value());
  REQUIRE(sb.has_value());
  INFO(a.output(), b.output());
  CHECK(*sa + *sb == 1);
  const std::string refused = (*sa != 0 ? a : b).output();
  const bool named = refused.find("in use by another neuralrg process") != std::string::npos ||
                     refused.find("run directory already exists") != std::string::npos;
  CHECK(named);
  CHECK(refused.find("filesystem error") == std::string::npos);
  CHECK(read_text(run / "stages.done") == "0\n");
}

TEST_CASE("leftovers of killed processes are removed on the next run or resume") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", train(3));
  const fs::path run = tmp.path / "run";
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + run.string()).status == 0);
  const pid_t gone = ::fork();  // a pid that is surely not alive once reaped
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);
  const std::vector<fs::path> stale{run / ".metrics.csv.tmp-a1B2c3",
                                    run / "checkpoints/.epoch-00000003.ckpt.tmp-Zz9yX8",
                                    tmp.path / (".run.partial-" + std::to_string(gone)),
                                    tmp.path / (".other.partial-" + std::to_string(gone))};
  const fs::path live = tmp.path / (".run.partial-" + std::to_string(::getpid()));
  for (const auto& f : stale) std::ofstream(f) << "half";
  fs::create_directories(live);
  REQUIRE(run_cli("run --resume " + run.string()).status == 0);
  CHECK_FALSE(fs::exists(stale[0]));
  CHECK_FALSE(fs::exists(stale[1]));
  CHECK_FALSE(fs::exists(stale[2]));
  CHECK(fs::exists(stale[3]));  // another run's: cleaned when that one is run or resumed
  CHECK(fs::exists(live));      // its process is alive
  CHECK(fs::exists(run / "checkpoints/epoch-00000003.ckpt"));
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + (tmp.path / "other").string()).status ==
          0);
  CHECK_FALSE(fs::exists(stale[3]));
}

TEST_CASE("training that diverges to huge finite losses stops, naming the epoch") {
  // lr = 1 diverges at once (loss ~2e5 at epoch 1); lr = 0.5 a step later, after a checkpoint of
  // every epoch, so the checkpoint of the diverging epoch's parameters must go.
  for (const char* lr : {"1", "0.5"}) {
    CAPTURE(lr);
    TempDir tmp;
    const fs::path run = tmp.path / "run";
    const auto r = run_cli("run " + tmp.write("p.yaml", train(60)).string() + " --out " +
                           run.string() + " --set stages.0.train.optimizer.lr=" + lr +
                           " --set stages.0.train.checkpoint_every=1");
    INFO(r.out, r.err);
    CHECK(r.status == 1);
    const auto at = r.err.find("train: the loss diverged at epoch ");
    REQUIRE(at != std::string::npos);
    const long long epoch = std::stoll(r.err.substr(at + 34));
    CHECK(r.err.find("stopped before updating") != std::string::npos);
    // Metrics hold the good epochs only; every checkpoint left predates the divergence.
    CHECK(metrics_without_seconds(run).size() == static_cast<std::size_t>(epoch) + 1);
    long long newest = 0;
    for (const auto& e : fs::directory_iterator(run / "checkpoints"))
      newest = std::max<long long>(newest, read_checkpoint(e.path()).epoch);
    CHECK(newest == epoch - 1);
    if (newest > 0)
      CHECK(r.err.find(fmt::format("The last good checkpoint is {}/checkpoints/epoch-{:08d}.ckpt",
                                   run.string(), newest)) != std::string::npos);
    CHECK_FALSE(fs::exists(run / "flow.ckpt"));
  }
}
