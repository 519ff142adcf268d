// The train stage through the CLI: metrics, checkpoints, bit-identical resume, refusals.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "pipeline/checkpoint.hpp"
#include "pipeline/run_context.hpp"
#include "pipeline/stages/stage_chains.hpp"
#include "support/cli.hpp"
#include "support/plugins.hpp"
#include "util/csv.hpp"

using namespace neuralrg;
using neuralrg::test::contains;
using neuralrg::test::metrics_without_seconds;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

const char* kPipeline = R"(name: tiny
seed: 5
target: {plugin: ising_dual, L: 4, beta: critical}
flow:
  layout: mera
  symmetrize: z2
  block: {plugin: realnvp, couplings: 2, hidden: [6]}
stages:
  - train:
      optimizer: {plugin: adam, lr: 0.01, weight_decay: 0.001}
      batch: 40
      chunk: 16
      epochs: 8
      checkpoint_every: 3
      keep_checkpoints: 2
)";

}  // namespace

TEST_CASE("train writes metrics, rotating checkpoints and the trained flow") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kPipeline);
  const auto r = run_cli("run " + pipeline.string() + " --out " + (tmp.path / "a").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto rows = metrics_without_seconds(tmp.path / "a");
  REQUIRE(rows.size() == 9);
  CHECK(rows[0] ==
        "epoch,loss_mean,loss_std,free_energy_exact,relative_error,ess,free_energy_is,lr");
  CHECK(rows[1].rfind("0,", 0) == 0);
  // Every row carries the exact free energy of the L = 4 critical dual model.
  CHECK(rows[8].find(",-37.376731689944") != std::string::npos);
  // keep_checkpoints: 2 of the checkpoints at epochs 3, 6 and 8 remain.
  CHECK_FALSE(fs::exists(tmp.path / "a/checkpoints/epoch-00000003.ckpt"));
  CHECK(fs::exists(tmp.path / "a/checkpoints/epoch-00000006.ckpt"));
  const Checkpoint last = read_checkpoint(tmp.path / "a/checkpoints/epoch-00000008.ckpt");
  CHECK(last.epoch == 8);
  CHECK(last.seed == 5);
  CHECK(last.optimizer.front().name == "t");
  CHECK(last.optimizer.front().value(0, 0) == 8);
  CHECK(fs::exists(tmp.path / "a/flow.ckpt"));
}

TEST_CASE("the closing line reports the running mean of the relative error, and the last epoch") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kPipeline);
  const auto r = run_cli("run " + pipeline.string() + " --out " + (tmp.path / "a").string() +
                         " --set stages.0.train.epochs=100");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const CsvTable metrics = read_csv(tmp.path / "a/metrics.csv");
  const std::vector<double> rel = metrics.numbers("relative_error");
  REQUIRE(rel.size() == 100);
  // 100 epochs: a window of 2.
  const std::string expected =
      fmt::format("relative error {:.3e} (mean of the last 2 epochs; last epoch {:.3e})",
                  (rel[98] + rel[99]) / 2, rel[99]);
  CHECK((r.out + r.err).find(expected) != std::string::npos);
}

TEST_CASE("a resumed run produces the same metrics, bit for bit, as an uninterrupted one") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kPipeline);
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + (tmp.path / "full").string()).status ==
          0);
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + (tmp.path / "crash").string() +
                  " --threads 1")
              .status == 0);
  // Simulate a crash after epoch 7 (rows 0–6 written) whose last checkpoint is epoch 6.
  const fs::path crash = tmp.path / "crash";
  fs::remove(crash / "checkpoints/epoch-00000008.ckpt");
  fs::remove(crash / "flow.ckpt");
  fs::remove(crash / "stages.done");
  std::string metrics = read_text(crash / "metrics.csv");
  metrics.erase(metrics.find("\n7,") + 1);
  std::ofstream(crash / "metrics.csv") << metrics;

  const auto r = run_cli("run --resume " + crash.string() + " --threads 2");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("resuming from") != std::string::npos);
  CHECK(metrics_without_seconds(crash) == metrics_without_seconds(tmp.path / "full"));
  CHECK(read_text(crash / "flow.ckpt") == read_text(tmp.path / "full/flow.ckpt"));
}

TEST_CASE("resuming with a different configuration is refused, naming the keys") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kPipeline);
  REQUIRE(run_cli("run " + pipeline.string() + " --out " + (tmp.path / "a").string()).status == 0);
  const auto r = run_cli("run " + pipeline.string() + " --resume " + (tmp.path / "a").string() +
                         " --set stages.0.train.epochs=12 --set flow.block.couplings=3");
  CHECK(r.status == 1);
  CHECK(r.err.find("stages[0].train.epochs: was 8, now 12") != std::string::npos);
  CHECK(r.err.find("flow.block.couplings: was 2, now 3") != std::string::npos);
  CHECK(r.err.find("--allow-config-change") != std::string::npos);
  const auto more = run_cli("run " + pipeline.string() + " --resume " + (tmp.path / "a").string() +
                            " --set stages.0.train.epochs=10 --allow-config-change");
  INFO(more.err);
  CHECK(more.status == 0);
}

TEST_CASE("a non-finite loss stops training with the epoch named — the checkpoint stays usable") {
  TempDir tmp;
  const std::string yaml = R"(name: diverging
target: {plugin: fixture_nan, healthy_calls: 5}
flow: {block: {plugin: realnvp, couplings: 1, hidden: [4]}}
stages:
  - train: {optimizer: {plugin: adam}, batch: 16, chunk: 16, epochs: 10, checkpoint_every: 2}
)";
  const auto r = run_cli("run " + tmp.write("nan.yaml", yaml).string() + " --out " +
                         (tmp.path / "run").string() + " --plugin-path " +
                         NEURALRG_TEST_PLUGIN_DIR + "/nan_target");
  CHECK(r.status == 1);
  INFO(r.err);
  CHECK(r.err.find("train: the loss became non-finite at epoch 5") != std::string::npos);
  CHECK(r.err.find("epoch-00000004.ckpt") != std::string::npos);
  const Checkpoint c = read_checkpoint(tmp.path / "run/checkpoints/epoch-00000004.ckpt");
  CHECK(c.epoch == 4);
  for (const auto& p : c.parameters) CHECK(p.value.allFinite());
}

TEST_CASE("a sample stage reuses a trained flow from another run (flow_from)") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", kPipeline);
  REQUIRE(
      run_cli("run " + pipeline.string() + " --out " + (tmp.path / "trained").string()).status ==
      0);
  std::string sampling = kPipeline;
  sampling = sampling.substr(0, sampling.find("stages:"));
  sampling +=
      "stages:\n  - sample: {space: latent, sampler: {plugin: hmc, step_size: 0.1, leapfrog: 3}, "
      "chains: 8, warmup: 2, sweeps: 6, flow_from: " +
      (tmp.path / "trained").string() + "}\n";
  const auto r = run_cli("run " + tmp.write("s.yaml", sampling).string() + " --out " +
                         (tmp.path / "sampled").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string table = read_text(tmp.path / "sampled/observables.csv");
  CHECK(table.rfind("stage,sampler,space,observable,mean,stderr,tau_int,acceptance,samples,seconds,"
                    "ess_per_second,exact,r_hat,ess_bulk,ess_tail\n",
                    0) == 0);
  CHECK(table.find("0,hmc,latent,structure_factor,") != std::string::npos);
  std::string missing = sampling;
  missing.replace(missing.find((tmp.path / "trained").string()),
                  (tmp.path / "trained").string().size(), (tmp.path / "nowhere").string());
  const auto bad = run_cli("run " + tmp.write("m.yaml", missing).string() + " --out " +
                           (tmp.path / "m").string());
  CHECK(bad.status == 2);
  CHECK(bad.err.find("stages[0].sample.flow_from: " + (tmp.path / "nowhere").string() +
                     " has no trained flow (flow.ckpt)") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path / "m"));  // refused before the run directory was made
}

TEST_CASE("flow_from rebuilds the source run's flow, random masks included, whatever the seed") {
  TempDir tmp;
  REQUIRE(run_cli("run " + tmp.write("p.yaml", kPipeline).string() + " --out " +
                  (tmp.path / "trained").string())
              .status == 0);
  const Matrix x = test::random_matrix(5, 16, 77);
  // ln q(x) of the flow a sample stage of a pipeline with this seed loads from "trained".
  auto loaded_log_q = [&](const std::string& seed) {
    std::string yaml = kPipeline;
    yaml.replace(yaml.find("seed: 5"), 7, seed);
    yaml = yaml.substr(0, yaml.find("stages:")) +
           "stages:\n  - sample: {sampler: {plugin: hmc}, flow_from: " +
           (tmp.path / "trained").string() + "}\n";
    const PipelineSpec spec = load_pipeline(tmp.write("s.yaml", yaml), {}, test::plugins());
    RunContext ctx{spec, test::plugins(), tmp.path, nullptr, nullptr, -1};
    build_model(ctx);
    load_flow_from(ctx, spec.stages[0].params);
    Tape tape;
    tape.freeze_parameters(true);
    return Matrix(ctx.flow->log_prob(tape.constant(x)).value());
  };
  const Matrix same_seed = loaded_log_q("seed: 5"), other_seed = loaded_log_q("seed: 9");
  CHECK(same_seed.allFinite());
  // Without the rebuild, seed 9 draws other Real NVP masks under the trained weights.
  CHECK((same_seed - other_seed).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("the train stage asks the optimizer for its learning rate instead of reading `lr`") {
  TempDir tmp;
  std::string yaml = kPipeline;
  yaml.replace(yaml.find("{plugin: adam, lr: 0.01, weight_decay: 0.001}"), 45,
               "{plugin: fixture_rate, rate: 0.25}");
  const fs::path run = tmp.path / "run";
  const auto r = run_cli("run " + tmp.write("p.yaml", yaml).string() + " --out " + run.string() +
                         " --plugin-path " + NEURALRG_TEST_PLUGIN_DIR + "/nan_target");
  REQUIRE(r.status == 0);
  const std::vector<double> lr = read_csv(run / "metrics.csv").numbers("lr");
  REQUIRE(!lr.empty());
  for (double v : lr) CHECK(v == doctest::Approx(0.25));
}

TEST_CASE("lr_warmup ramps the learning rate up linearly, under the schedule") {
  TempDir tmp;
  std::string yaml = kPipeline;
  yaml.replace(yaml.find("{plugin: adam, lr: 0.01, weight_decay: 0.001}"), 45,
               "{plugin: fixture_rate, rate: 0.25}");
  const fs::path run = tmp.path / "run";
  const auto r = run_cli("run " + tmp.write("p.yaml", yaml).string() + " --out " + run.string() +
                         " --set stages.0.train.lr_warmup=4 --set stages.0.train.lr_schedule=step"
                         " --set stages.0.train.lr_step_every=6 --plugin-path " +
                         NEURALRG_TEST_PLUGIN_DIR + "/nan_target");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::vector<double> lr = read_csv(run / "metrics.csv").numbers("lr");
  const std::vector<double> expected{0.0625, 0.125, 0.1875, 0.25, 0.25, 0.25, 0.125, 0.125};
  REQUIRE(lr.size() == expected.size());
  for (std::size_t e = 0; e < lr.size(); ++e) CHECK(lr[e] == doctest::Approx(expected[e]));
}

TEST_CASE("sampling gives the same observables on 1 and 2 threads") {
  TempDir tmp;
  std::string yaml = kPipeline;
  yaml = yaml.substr(0, yaml.find("stages:"));
  yaml +=
      "stages:\n"
      "  - sample: {space: latent, sampler: {plugin: hmc, step_size: 0.1, leapfrog: 3, "
      "adapt: true}, chains: 24, warmup: 4, sweeps: 6}\n"
      "  - sample: {space: physical, sampler: {plugin: metropolis, mode: independence}, "
      "chains: 24, warmup: 2, sweeps: 6}\n";
  const auto pipeline = tmp.write("s.yaml", yaml);
  // observables.csv without the wall-clock columns (seconds, ess_per_second).
  auto table = [&](int threads) {
    const fs::path out = tmp.path / ("t" + std::to_string(threads));
    const auto r = run_cli("run " + pipeline.string() + " --out " + out.string() + " --threads " +
                           std::to_string(threads));
    REQUIRE(r.status == 0);
    std::istringstream in(read_text(out / "observables.csv"));
    std::string line, kept;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::istringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      cells.erase(cells.begin() + 9, cells.begin() + 11);
      for (const auto& c : cells) kept += c + ",";
      kept += "\n";
    }
    return kept;
  };
  const std::string one = table(1);
  CHECK(one.find("1,metropolis,physical,structure_factor,") != std::string::npos);
  CHECK(one == table(2));
}

TEST_CASE("a checkpoint written in the other precision is read and converted") {
  // Written by hand in the format a float (or double) build writes, whatever this build's Scalar.
  TempDir tmp;
  const float f[] = {0.5f, -1.25f, 3.0f};
  const double d[] = {0.1, -2.0};
  std::string bytes =
      "NEURALRG-CHECKPOINT 1\nepoch 7\nseed 3\nscalar float\n"
      "tensor param 0:w 1 3\nend\n";
  bytes.append(reinterpret_cast<const char*>(f), sizeof f);
  std::ofstream(tmp.path / "f.ckpt", std::ios::binary) << bytes;
  const Checkpoint from_float = read_checkpoint(tmp.path / "f.ckpt");
  REQUIRE(from_float.parameters.size() == 1);
  CHECK(from_float.epoch == 7);
  CHECK(from_float.parameters[0].value(0, 1) == Scalar(-1.25));
  CHECK(from_float.parameters[0].value(0, 2) == Scalar(3));

  bytes = "NEURALRG-CHECKPOINT 1\nepoch 1\nseed 3\nscalar double\ntensor optimizer m 2 1\nend\n";
  bytes.append(reinterpret_cast<const char*>(d), sizeof d);
  std::ofstream(tmp.path / "d.ckpt", std::ios::binary) << bytes;
  const Checkpoint from_double = read_checkpoint(tmp.path / "d.ckpt");
  REQUIRE(from_double.optimizer.size() == 1);
  CHECK(from_double.optimizer[0].value(0, 0) == Scalar(0.1));
  CHECK(from_double.optimizer[0].value(1, 0) == Scalar(-2));

  std::ofstream(tmp.path / "h.ckpt", std::ios::binary)
      << "NEURALRG-CHECKPOINT 1\nepoch 1\nseed 3\nscalar half\nend\n";
  CHECK_THROWS_WITH_AS(read_checkpoint(tmp.path / "h.ckpt"),
                       doctest::Contains("scalar type half (expected double or float)"),
                       std::runtime_error);
}

TEST_CASE(
    "a target without an exact free energy: the bound, per site and the importance-sampling "
    "estimate are the results, and a reference gives a relative error") {
  TempDir tmp;
  // ½|x|² on 4×4 sites: −ln Z = −8 ln 2π, which the target does not declare.
  const std::string base =
      "name: gauss\nseed: 2\ntarget: {plugin: fixture_nan, healthy_calls: 1000000000}\n"
      "flow: {block: {plugin: realnvp, couplings: 2, hidden: [4]}}\nstages:\n"
      "  - train: {optimizer: {plugin: adam, lr: 0.01}, epochs: 30, batch: 64, "
      "checkpoint_every: 0";
  const std::string plugins =
      std::string(" --plugin-path ") + NEURALRG_TEST_PLUGIN_DIR + "/nan_target";
  const auto plain = run_cli("run " + tmp.write("a.yaml", base + "}\n  - report: {}\n").string() +
                             " --out " + (tmp.path / "a").string() + plugins);
  REQUIRE(plain.status == 0);
  CHECK(contains(plain.out + plain.err, "per site), importance-sampling estimate "));
  CHECK(contains(read_text(tmp.path / "a" / "report.html"), "importance-sampling F"));
  const auto metrics = read_csv(tmp.path / "a" / "metrics.csv");
  CHECK(std::isnan(metrics.numbers("relative_error").back()));

  const double exact = -8 * std::log(2 * std::numbers::pi);
  const auto referenced =
      run_cli("run " +
              tmp.write("b.yaml", base + fmt::format(", reference_free_energy: {:.12f}}}\n", exact))
                  .string() +
              " --out " + (tmp.path / "b").string() + plugins);
  REQUIRE(referenced.status == 0);
  CHECK(contains(referenced.out + referenced.err, "relative error"));
  const auto rel = read_csv(tmp.path / "b" / "metrics.csv").numbers("relative_error");
  const auto loss = read_csv(tmp.path / "b" / "metrics.csv").numbers("loss_mean");
  CHECK(rel.back() == doctest::Approx((loss.back() - exact) / std::abs(exact)));

  std::string ising = kPipeline;
  ising.replace(ising.find("epochs: 8"), 9, "epochs: 8\n      reference_free_energy: -20");
  const auto both =
      run_cli("run " + tmp.write("c.yaml", ising).string() + " --out " + (tmp.path / "c").string());
  CHECK(both.status != 0);
  CHECK(contains(both.err, "reference_free_energy: the target knows its exact free energy"));
}

TEST_CASE(
    "flow.block as a list: a chain of blocks trains, and its checkpoint loads into a new "
    "run — a bad entry is refused naming its index") {
  TempDir tmp;
  std::string yaml = kPipeline;
  yaml.replace(yaml.find("block: {plugin: realnvp, couplings: 2, hidden: [6]}"), 51,
               "block: [{plugin: wavelet_linear, trainable: true}, {plugin: realnvp, couplings: "
               "2, hidden: [6]}]");
  const fs::path run = tmp.path / "chain";
  const auto trained =
      run_cli("run " + tmp.write("p.yaml", yaml).string() + " --out " + run.string());
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  CHECK(contains(trained.out, "flow mera/wavelet_linear+realnvp"));
  const std::string sample = yaml.substr(0, yaml.find("stages:")) +
                             "stages:\n  - sample: {flow_from: " + run.string() +
                             ", chains: 8, warmup: 1, sweeps: 2, sampler: {plugin: hmc}}\n";
  CHECK(
      run_cli("run " + tmp.write("s.yaml", sample).string() + " --out " + (tmp.path / "s").string())
          .status == 0);

  std::string bad = yaml;
  bad.replace(bad.find("{plugin: realnvp, couplings"), 16, "{plugin: realnv");
  const auto refused = run_cli("validate " + tmp.write("b.yaml", bad).string());
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "flow.block[1].plugin: unknown bijector plugin \"realnv\""));
}
