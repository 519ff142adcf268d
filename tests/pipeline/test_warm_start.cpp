// Warm starts (train.init_from) and the sharing modes they map between.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "pipeline/checkpoint.hpp"
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

const std::string kFlow = "layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [8]}";

// A pipeline at L with kFlow plus `flow` keys, the train stage plus `train` keys (e.g.
// "init_from: DIR"), and a `prior` line if given.
std::string warm_pipeline(int L, const std::string& flow, const std::string& train, int seed = 3,
                          const std::string& prior = "") {
  return fmt::format(
      R"(name: warm
seed: {}
target: {{plugin: ising_dual, L: {}, beta: critical}}
{}flow: {{{}}}
stages:
  - train: {{optimizer: {{plugin: adam, lr: 0.01}}, batch: 64, epochs: 8, checkpoint_every: 3{}}}
)",
      seed, L, prior.empty() ? "" : prior + "\n",
      flow.rfind("layout:", 0) == 0 ? flow : kFlow + (flow.empty() ? "" : ", " + flow),
      train.empty() ? "" : ", " + train);
}

// The run's flow as its train stage starts it: built from `yaml`, warm-started from `source`.
struct WarmFlow {
  std::unique_ptr<PipelineSpec> spec;  // on the heap: the context refers to it
  std::unique_ptr<RunContext> context;
  TrainedFlow source;
  WarmStartPlan plan;
};

WarmFlow warm_flow(TempDir& tmp, const std::string& yaml, const fs::path& source) {
  WarmFlow w{
      std::make_unique<PipelineSpec>(load_pipeline(tmp.write("w.yaml", yaml), {}, test::plugins())),
      {},
      {},
      {}};
  w.context = std::make_unique<RunContext>(
      RunContext{*w.spec, test::plugins(), tmp.path, nullptr, nullptr, -1});
  build_model(*w.context);
  w.source = load_trained_flow(source, test::plugins());
  w.plan = plan_warm_start(*w.spec, *w.context->flow, w.source);
  apply_warm_start(w.plan, *w.context->flow, *w.source.flow);
  return w;
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
  const std::string learn_width = "prior: {plugin: gaussian, learn_width: true}";
  struct Case {
    std::string flow, prior;
  };
  for (const Case& c : std::vector<Case>{
           {"shared: block", ""},
           {"shared: layer", learn_width},
           {"shared: scale", ""},
           {"layout: tebd, block: {plugin: realnvp, couplings: 2, hidden: [8]}", ""},
           {"layout: tree, shared: scale, block: {plugin: spline, couplings: 2, hidden: [6]}",
            learn_width},
           {"layout: mera, block: [{plugin: realnvp, couplings: 1, hidden: [4]}, {plugin: "
            "spline, couplings: 1, hidden: [4]}]",
            ""}}) {
    CAPTURE(c.flow);
    TempDir tmp;
    const fs::path source = train_run(tmp, "a", warm_pipeline(4, c.flow, "", 3, c.prior));
    const WarmFlow w = warm_flow(
        tmp, warm_pipeline(4, c.flow, "init_from: " + source.string(), 3, c.prior), source);
    CHECK(w.plan.bijectors.size() ==
          static_cast<std::size_t>(w.context->flow->hierarchy().bijector_count()));
    CHECK(w.plan.prior);
    const Matrix x = test::random_matrix(6, 16, 5);
    Tape tape;
    tape.freeze_parameters(true);
    const Matrix mine = w.context->flow->log_prob(tape.constant(x)).value();
    const Matrix theirs = w.source.flow->log_prob(tape.constant(x)).value();
    CHECK((mine - theirs).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("across lattices bijector i takes the source's weights, the rest keep the seed's") {
  struct Case {
    std::string flow;
    std::size_t copied, total;
  };
  // L = 4 → 8: mera has 2 more layers (level 2), tebd 2 more, tree 1 more; scale sharing none.
  for (const Case& c : std::vector<Case>{
           {"shared: layer", 4, 6},
           {"shared: scale", 2, 2},
           {"layout: tebd, block: {plugin: realnvp, couplings: 2, hidden: [8]}", 4, 6},
           {"layout: tree, block: {plugin: realnvp, couplings: 2, hidden: [8]}", 2, 3}}) {
    CAPTURE(c.flow);
    TempDir tmp;
    const fs::path source = train_run(tmp, "a", warm_pipeline(4, c.flow, ""));
    const WarmFlow w =
        warm_flow(tmp, warm_pipeline(8, c.flow, "init_from: " + source.string()), source);
    const PipelineSpec cold_spec =
        load_pipeline(tmp.write("cold.yaml", warm_pipeline(8, c.flow, "")), {}, test::plugins());
    RunContext cold{cold_spec, test::plugins(), tmp.path, nullptr, nullptr, -1};
    build_model(cold);
    const Hierarchy& mine = w.context->flow->hierarchy();
    REQUIRE(static_cast<std::size_t>(mine.bijector_count()) == c.total);
    CHECK(w.plan.bijectors.size() == c.copied);
    for (Index i = 0; i < mine.bijector_count(); ++i) {
      CAPTURE(i);
      const Hierarchy& expected = static_cast<std::size_t>(i) < c.copied
                                      ? w.source.flow->hierarchy()
                                      : cold.flow->hierarchy();
      const auto& got = mine.bijector_parameters(i);
      const auto& want = expected.bijector_parameters(i);
      REQUIRE(got.size() == want.size());
      for (std::size_t k = 0; k < got.size(); ++k) CHECK(got[k]->value == want[k]->value);
    }
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
                               "rest keep the seed's initialisation); prior has no weights"));
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
           {warm_pipeline(8, "shared: block", from), "its flow is mera with shared: layer"},
           {warm_pipeline(8, "layout: tree, block: {plugin: realnvp, couplings: 2, hidden: [8]}",
                          from),
            "its flow is mera with shared: layer, this pipeline's tree with shared: layer"},
       }) {
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
    // The variational principle: the bound lies above the exact free energy (up to noise).
    const double bound = one["bound"], error = one["bound_stderr"], exact = one["exact"];
    CHECK(bound > exact - 4 * error);
    CHECK(bound - exact < 0.5 * std::abs(exact));  // a trained flow, not noise
  }
  const auto text = run_cli("evaluate " + run.string() + " --samples 64 --set target.L=8");
  CHECK(text.status == 0);
  CHECK(contains(text.out, "(trained on 4×4) on 8×8, 64 samples"));
  CHECK(contains(text.out, "relative error"));
  CHECK_FALSE(contains(text.out, "keep the seed's initialisation"));
  // shared: layer: L = 8's coarsest level has no trained weights, and the output says so.
  const auto layer = run_cli("evaluate " + run.string() +
                             " --samples 64 --set target.L=8 --set flow.shared=layer");
  CHECK(layer.status == 2);  // the run was trained with shared: scale: another flow
  CHECK(contains(layer.err,
                 "its flow is mera with shared: scale, this pipeline's mera with "
                 "shared: layer"));
  const fs::path layered = train_run(tmp, "b", warm_pipeline(4, "", ""));
  const auto untrained = run_cli("evaluate " + layered.string() + " --samples 64 --set target.L=8");
  CHECK(untrained.status == 0);
  CHECK(contains(untrained.out, "block bijectors 4–5 of 6 keep the seed's initialisation"));
  const auto missing = run_cli("evaluate " + (tmp.path / "none").string());
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, "not a run directory (no config.yaml)"));
}

TEST_CASE("a source that diverged, or holds variants, is refused as a warm start") {
  TempDir tmp;
  const fs::path source = train_run(tmp, "a", warm_pipeline(4, "", ""));
  Checkpoint poisoned = read_checkpoint(source / "flow.ckpt");
  poisoned.parameters.back().value(0, 0) = std::numeric_limits<Scalar>::quiet_NaN();
  write_checkpoint(source / "flow.ckpt", poisoned);
  const auto nan =
      run_cli("validate " +
              tmp.write("b.yaml", warm_pipeline(8, "", "init_from: " + source.string())).string());
  CHECK(nan.status == 2);
  CHECK(contains(nan.err, (source / "flow.ckpt").string() + " holds non-finite weights"));

  const fs::path variants = tmp.path / "v";
  fs::create_directories(variants);
  std::ofstream(variants / "config.yaml")
      << warm_pipeline(4, "", "") << "variants:\n  - {name: x, set: {seed: 4}}\n";
  const auto r = run_cli(
      "validate " +
      tmp.write("c.yaml", warm_pipeline(8, "", "init_from: " + variants.string())).string());
  CHECK(r.status == 2);
  CHECK(contains(
      r.err, "it holds variants, each with its own flow: " + variants.string() + "/variants/NAME"));
}

TEST_CASE("a resume cannot give a train stage that has checkpoints another start") {
  TempDir tmp;
  const fs::path small = train_run(tmp, "small", warm_pipeline(4, "", ""));
  const fs::path run = train_run(tmp, "run", warm_pipeline(8, "", ""));
  fs::remove(run / "stages.done");
  const auto r =
      run_cli("run --resume " + run.string() + " --set stages.0.train.init_from=" + small.string() +
              " --allow-config-change");
  CHECK(r.status == 2);
  CHECK(contains(r.err, run.string() + " has trained 8 epochs starting from the seed's "
                                       "initialisation; another start needs a new run"));
}

TEST_CASE("flow.shared's old boolean spellings resolve to layer and block") {
  TempDir tmp;
  const auto resolved_sharing = [&](const std::string& flow) {
    const PipelineSpec spec =
        load_pipeline(tmp.write("s.yaml", warm_pipeline(4, flow, "")), {}, test::plugins());
    return spec.resolved.find("flow")->find("shared")->text;
  };
  // A run made when shared was a boolean recorded `shared: true`; resuming it with a pipeline
  // that leaves the key out must not see a changed configuration.
  CHECK(resolved_sharing("") == "layer");
  for (const char* word : {"true", "True", "yes"})
    CHECK(resolved_sharing(fmt::format("shared: {}", word)) == "layer");
  for (const char* word : {"false", "False", "no"})
    CHECK(resolved_sharing(fmt::format("shared: {}", word)) == "block");
  CHECK(resolved_sharing("shared: scale") == "scale");
}
