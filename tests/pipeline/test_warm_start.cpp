// Warm starts (train.init_from) and the sharing modes they map between.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "pipeline/run_context.hpp"
#include "pipeline/warm_start.hpp"
#include "support/cli.hpp"
#include "support/plugins.hpp"
#include "support/random_matrix.hpp"
#include "util/csv.hpp"
#include "util/json.hpp"

using namespace neuralrg;
using neuralrg::test::contains;
using neuralrg::test::metrics_without_seconds;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A pipeline at L with the given flow keys and train keys (e.g. "init_from: DIR").
std::string warm_pipeline(int L, const std::string& flow, const std::string& train, int seed = 3) {
  return fmt::format(R"(name: warm
seed: {}
target: {{plugin: ising_dual, L: {}, beta: critical}}
flow: {{layout: mera, block: {{plugin: realnvp, couplings: 2, hidden: [8]}}{}}}
stages:
  - train: {{optimizer: {{plugin: adam, lr: 0.01}}, batch: 64, epochs: 8, checkpoint_every: 3{}}}
)",
                     seed, L, flow.empty() ? "" : ", " + flow, train.empty() ? "" : ", " + train);
}

fs::path train_run(TempDir& tmp, const std::string& name, const std::string& yaml,
                   const std::string& extra = "") {
  const fs::path out = tmp.path / name;
  const auto r = run_cli("run " + tmp.write(name + ".yaml", yaml).string() + " --out " +
                         out.string() + " --threads 1" + extra);
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  return out;
}

}  // namespace

TEST_CASE("a warm start at the same L reproduces the source flow's ln q exactly") {
  for (const std::string sharing : {"shared: block", "shared: layer", "shared: scale"}) {
    CAPTURE(sharing);
    TempDir tmp;
    const fs::path source = train_run(tmp, "a", warm_pipeline(4, sharing, ""));
    const PipelineSpec spec = load_pipeline(
        tmp.write("b.yaml", warm_pipeline(4, sharing, "init_from: " + source.string())), {},
        test::plugins());
    RunContext ctx{spec, test::plugins(), tmp.path, nullptr, nullptr, -1};
    build_model(ctx);
    const TrainedFlow trained = load_trained_flow(source, test::plugins());
    const WarmStartPlan plan = plan_warm_start(spec, *ctx.flow, trained);
    CHECK(plan.bijectors.size() ==
          static_cast<std::size_t>(ctx.flow->hierarchy().bijector_count()));
    apply_warm_start(plan, *ctx.flow, *trained.flow);
    const Matrix x = test::random_matrix(6, 16, 5);
    Tape tape;
    tape.freeze_parameters(true);
    const Matrix mine = ctx.flow->log_prob(tape.constant(x)).value();
    const Matrix theirs = trained.flow->log_prob(tape.constant(x)).value();
    CHECK((mine - theirs).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("an L = 4 → 8 warm start begins with a lower bound than a cold start on the same seed") {
  for (const std::string sharing : {"shared: layer", "shared: scale"}) {
    CAPTURE(sharing);
    TempDir tmp;
    const fs::path small =
        train_run(tmp, "small", warm_pipeline(4, sharing, ""), " --set stages.0.train.epochs=300");
    const std::string one_epoch = " --set stages.0.train.epochs=1 --set stages.0.train.batch=512";
    const auto warm = train_run(
        tmp, "warm", warm_pipeline(8, sharing, "init_from: " + small.string()), one_epoch);
    const auto cold = train_run(tmp, "cold", warm_pipeline(8, sharing, ""), one_epoch);
    const double warm_error = read_csv(warm / "metrics.csv").numbers("relative_error").at(0);
    const double cold_error = read_csv(cold / "metrics.csv").numbers("relative_error").at(0);
    CAPTURE(warm_error);
    CAPTURE(cold_error);
    CHECK(warm_error < 0.5 * cold_error);
  }
}

TEST_CASE("the run says what a warm start copied, and resumes from its checkpoints bit for bit") {
  TempDir tmp;
  const fs::path small = train_run(tmp, "small", warm_pipeline(4, "", ""));
  const std::string yaml = warm_pipeline(8, "", "init_from: " + small.string());
  const auto full = run_cli("run " + tmp.write("w.yaml", yaml).string() + " --out " +
                            (tmp.path / "full").string() + " --threads 1");
  REQUIRE(full.status == 0);
  // L = 4 has layers D₀ M₀ D₁ M₁, L = 8 two more (level 2), which keep the seed's weights.
  CHECK(contains(full.out, "warm start from " + small.string() +
                               " (4×4 → 8×8, shared: layer): block bijectors 0–3 of 6 copied (the "
                               "rest keep the seed's initialisation); prior copied"));
  // Crashes after epoch 7 (checkpoint at 6) and after epoch 2 (before the first checkpoint: the
  // resume starts from the warm start again).
  for (const int crash_epoch : {7, 2}) {
    CAPTURE(crash_epoch);
    const fs::path crash = tmp.path / fmt::format("crash{}", crash_epoch);
    REQUIRE(run_cli("run " + tmp.path.string() + "/w.yaml --out " + crash.string() + " --threads 1")
                .status == 0);
    for (const auto& f : fs::directory_iterator(crash / "checkpoints"))
      if (f.path().filename().string() > fmt::format("epoch-{:08}.ckpt", crash_epoch))
        fs::remove(f.path());
    fs::remove(crash / "flow.ckpt");
    fs::remove(crash / "stages.done");
    std::string metrics = read_text(crash / "metrics.csv");
    metrics.erase(metrics.find(fmt::format("\n{},", crash_epoch)) + 1);
    std::ofstream(crash / "metrics.csv") << metrics;
    const auto r = run_cli("run --resume " + crash.string() + " --threads 2");
    INFO(r.out, r.err);
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "warm start from") == (crash_epoch < 3));
    CHECK(metrics_without_seconds(crash) == metrics_without_seconds(tmp.path / "full"));
    CHECK(read_text(crash / "flow.ckpt") == read_text(tmp.path / "full/flow.ckpt"));
  }
}

TEST_CASE("a flow built differently is refused as a warm start, naming what differs") {
  TempDir tmp;
  const fs::path source = train_run(tmp, "a", warm_pipeline(4, "", ""));
  const std::string from = "init_from: " + source.string();
  struct Case {
    std::string yaml, message;
  };
  std::string other_block = warm_pipeline(8, "", from);
  other_block.replace(other_block.find("hidden: [8]"), 11, "hidden: [6]");
  std::string other_plugin = warm_pipeline(8, "", from);
  other_plugin.replace(other_plugin.find("plugin: realnvp"), 15, "plugin: spline");
  for (const Case& c : std::vector<Case>{
           {other_block, "its realnvp block is built differently: hidden[0]: was 8, now 6"},
           {other_plugin, "its block plugin is realnvp, this pipeline's is spline"},
           {warm_pipeline(8, "shared: scale", from),
            "its flow is mera with shared: layer, this pipeline's mera with shared: scale"},
           {warm_pipeline(8, "", from, 4),
            "was trained with seed 3, this pipeline's is 4; a warm start needs the same seed"},
           {warm_pipeline(8, "shared: block", from), "its flow is mera with shared: layer"}}) {
    CAPTURE(c.message);
    const auto r = run_cli("validate " + tmp.write("b.yaml", c.yaml).string());
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "stages[0].train.init_from: " + source.string() + ": " + c.message));
  }
  const fs::path blocks = train_run(tmp, "blocks", warm_pipeline(4, "shared: block", ""));
  const auto r =
      run_cli("validate " + tmp.write("c.yaml", warm_pipeline(8, "shared: block",
                                                              "init_from: " + blocks.string()))
                                .string());
  CHECK(r.status == 2);
  CHECK(contains(r.err,
                 "with shared: block every block has its own weights, so a flow for 4×4 "
                 "cannot start one for 8×8; use shared: layer or scale"));
  const auto missing = run_cli(
      "validate " +
      tmp.write("d.yaml", warm_pipeline(8, "", "init_from: " + (tmp.path / "none").string()))
          .string());
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, (tmp.path / "none").string() + " has no trained flow (flow.ckpt)"));
}

TEST_CASE(
    "evaluate reports a trained flow's bound on its own lattice and, zero-shot, on a larger") {
  TempDir tmp;
  const fs::path run = train_run(tmp, "a", warm_pipeline(4, "shared: scale", ""),
                                 " --set stages.0.train.epochs=100");
  auto evaluate = [&](const std::string& args) {
    const auto r = run_cli("evaluate " + run.string() + " --samples 512 --json " + args);
    INFO(r.out, r.err);
    REQUIRE(r.status == 0);
    return Json::parse(r.out);
  };
  for (const int L : {4, 8}) {
    CAPTURE(L);
    const Json one = evaluate(fmt::format("--set target.L={} --threads 1", L));
    CHECK(one.dump() == evaluate(fmt::format("--set target.L={} --threads 2", L)).dump());
    CHECK(one["lattice"] == Json::array({L, L}));
    CHECK(one["trained_lattice"] == Json::array({4, 4}));
    // shared: scale: both bijectors are the trained ones at any L.
    CHECK(one["trained_bijectors"] == 2);
    CHECK(one["bijectors"] == 2);
    // The variational principle: the bound lies above the exact free energy (up to noise), and
    // the importance-sampled estimate below the bound (Jensen).
    const double bound = one["bound"], error = one["bound_stderr"], exact = one["exact"];
    CHECK(bound > exact - 4 * error);
    CHECK(one["free_energy_is"].get<double>() <= bound);
    CHECK(one["relative_error"].get<double>() ==
          doctest::Approx((bound - exact) / std::abs(exact)));
    CHECK(one["ess"].get<double>() > 0);
    CHECK(one["ess"].get<double>() <= 1);
  }
  const auto text = run_cli("evaluate " + run.string() + " --samples 64 --set target.L=8");
  CHECK(text.status == 0);
  CHECK(contains(text.out, "(trained on 4×4) on 8×8, 64 samples"));
  CHECK(contains(text.out, "relative error"));
  const auto missing = run_cli("evaluate " + (tmp.path / "none").string());
  CHECK(missing.status == 1);
  CHECK(contains(missing.err, "not a run directory (no config.yaml)"));
}
