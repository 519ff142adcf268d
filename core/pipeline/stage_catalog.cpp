#include "pipeline/stage_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "pipeline/pipeline_spec.hpp"

#include "pipeline/stages/analyze_stage.hpp"
#include "pipeline/stages/report_stage.hpp"
#include "pipeline/stages/sample_stage.hpp"
#include "pipeline/stages/train_stage.hpp"

namespace neuralrg {
namespace {

// every/weights name one value per sampler of the list, and only for the combination they shape.
void check_sample_stage(const StageSpec& stage) {
  const Params& p = stage.params;
  const std::size_t samplers = stage.plugins_of("sampler").size();
  const bool cycle = p.text("combine") == "cycle";
  const auto every = p.integers("every");
  const auto weights = p.reals("weights");
  const auto check_count = [&](std::string_view key, std::size_t given) {
    if (given != 0 && given != samplers)
      throw p.error(key,
                    fmt::format("expected one value per sampler ({}), got {}", samplers, given));
  };
  check_count("every", every.size());
  check_count("weights", weights.size());
  if (!cycle && !every.empty())
    throw p.error("every", "every shapes a cycle; a mixture draws by weights");
  if (cycle && !weights.empty())
    throw p.error("weights", "weights shape a mixture; a cycle runs samplers by every");
  for (const long long e : every)
    if (e < 1) throw p.error("every", fmt::format("expected integers ≥ 1, got {}", e));
  if (!every.empty() && std::find(every.begin(), every.end(), 1) == every.end())
    throw p.error("every",
                  "some sampler must act every sweep (every: 1), or some sweeps would "
                  "move nothing");
  for (const double w : weights)
    if (!(w > 0) || !std::isfinite(w))
      throw p.error("weights", fmt::format("expected positive numbers, got {}", w));
  const bool from_file = p.text("init") == "file";
  const std::string& file = p.text("init_file");
  if (from_file && file.empty())
    throw p.error("init", "init: file needs init_file: PATH (a .npy array of configurations)");
  if (!from_file && !file.empty())
    throw p.error("init_file", "init_file is read only with init: file");
  if (from_file && !std::filesystem::is_regular_file(file))
    throw p.error("init_file", fmt::format("{} is not a file", file));
}

StageKind train_stage() {
  StageKind k{"train",
              "Variational training: minimise the mean of ln q(x) + E(x) over flow samples.",
              {},
              {{"optimizer", PluginKind::Optimizer, ""}},
              run_train_stage,
              true};
  Schema& s = k.schema;
  s.map("optimizer", true, "Optimizer plugin section, e.g. {plugin: adam, lr: 1.0e-3}.");
  s.integer("epochs", 1000, "Training steps (one batch each).").range(1, std::nullopt);
  s.integer("batch", 512, "Samples per step.").range(1, std::nullopt);
  s.choice("lr_schedule", "constant", {"constant", "cosine", "step"},
           "Learning-rate schedule applied to the optimizer's base learning rate.");
  s.integer("lr_step_every", 1000, "Epochs between decays of the step schedule.")
      .range(1, std::nullopt);
  s.real("lr_step_factor", 0.5, "Factor of each step-schedule decay.").range(0, 1);
  s.integer("lr_warmup", 0,
            "Epochs over which the learning rate ramps up linearly from lr/lr_warmup (0 = none); "
            "use it with init_from, whose head start a fresh optimizer's full steps undo.")
      .range(0, std::nullopt);
  s.real("reference_free_energy", std::nullopt,
         "A known −ln Z (whole lattice) for a target without an exact one: relative errors are "
         "computed against it. none: the bound and the importance-sampling estimate stand alone.")
      .keywords({"none"})
      .default_text = "none";
  s.real("clip_grad_norm", 0.0, "Clip the global gradient norm to this value (0 = off).")
      .range(0, std::nullopt);
  s.text("init_from", "",
         "Run directory whose trained flow starts this one (a warm start, possibly from a smaller "
         "L; docs/growing-the-lattice.md). Empty: the seed's initialisation.");
  s.integer("checkpoint_every", 100, "Epochs between checkpoints (0 = only at the end).")
      .range(0, std::nullopt);
  s.integer("keep_checkpoints", 3, "Checkpoints kept on disk (oldest removed).")
      .range(1, std::nullopt);
  s.integer("chunk", 0,
            "Samples per parallel chunk; 0 = auto (65536 / sites, within [1, 256], and at least 8 "
            "chunks per batch). Memory grows with it; results depend on it but not on the "
            "thread count.")
      .range(0, std::nullopt);
  return k;
}

StageKind sample_stage() {
  StageKind k{"sample",
              "Markov chain Monte Carlo in latent or physical space, with observables.",
              {},
              {{"sampler", PluginKind::Sampler, "", true}},
              run_sample_stage,
              true,
              check_sample_stage};
  Schema& s = k.schema;
  s.map("sampler", true,
        "Sampler plugin section, e.g. {plugin: hmc, step_size: 0.2}, or a list of them combined "
        "as `combine` says (e.g. flow proposals mixed with local moves).");
  s.choice("combine", "cycle", {"cycle", "mixture"},
           "How a list of samplers makes one chain: cycle runs, every sweep, each sampler whose "
           "`every` divides the sweep number, in list order; mixture runs one sampler per sweep, "
           "drawn with probability ∝ `weights`. Each leaves π invariant, so both do.");
  s.integers("every", std::vector<long long>{},
             "cycle: per sampler, the sweeps it acts on (1: every sweep, 5: every fifth); empty "
             "= 1 for all.");
  s.reals("weights", std::vector<double>{},
          "mixture: per sampler, its relative probability per sweep; empty = equal.");
  s.choice("space", "latent", {"latent", "physical"},
           "Where the chains live: latent z with U(z) = E(g(z)) − ln|det ∂g/∂z| through the flow, "
           "or physical x with E(x).");
  s.integer("chains", 512, "Independent chains.").range(1, std::nullopt);
  s.choice("init", "flow", {"flow", "prior", "zero", "file"},
           "Where the chains start, as configurations x: flow samples (near equilibrium), draws "
           "of the prior taken as x (a hot start), x = 0 (a cold start), or the rows of "
           "init_file. Latent chains start at z = g⁻¹(x), so both spaces can start from the same "
           "x (the letter's Fig. 3b).");
  s.text("init_file", "",
         "init: file — a .npy array of configurations (rows × sites, e.g. another run's "
         "samples-stage<i>.npy); chain c starts at row c mod rows.");
  s.integer("warmup", 100, "Sweeps discarded before measuring (adaptation happens here).")
      .range(0, std::nullopt);
  s.integer("sweeps", 100, "Measured sweeps.").range(1, std::nullopt);
  s.integer("measure_every", 1, "Sweeps between measurements.").range(1, std::nullopt);
  s.boolean(
      "save_samples", false,
      "Write the chains' final physical configurations to samples-stage<i>.npy (chains × sites).");
  s.text("flow_from", "",
         "Run directory whose trained flow to load, rebuilt from that run's flow, block, prior and "
         "seed (empty: this run's).");
  return k;
}

StageKind analyze_stage() {
  StageKind k{"analyze",
              "Response maps, mutual information, per-scale latent statistics and sample grids, "
              "on configurations from Markov chains on the target.",
              {},
              {{"sampler", PluginKind::Sampler, "{plugin: hmc, adapt: true}"}},
              run_analyze_stage};
  Schema& s = k.schema;
  s.map("sampler", false,
        "Sampler of the chains whose final configurations x ~ π are analysed (default "
        "{plugin: hmc, adapt: true}).");
  s.choice("space", "physical", {"latent", "physical"},
           "Where the analysed chains live (physical: independent of the flow under study).");
  s.integer("samples", 1024, "Chains, hence configurations analysed.").range(16, std::nullopt);
  s.integer("warmup", 200, "Sweeps before the chains' configurations are used.")
      .range(1, std::nullopt);
  s.boolean("response", true,
            "Response maps E_x[∂z_i/∂x_j] of the top-level latent variables (letter Fig. 4a).");
  s.integer("response_samples", 256, "Configurations averaged in the response maps.")
      .range(1, std::nullopt);
  s.boolean("mutual_information", true,
            "Maps of I(v_0; v_j) for physical x and latent z (KSG estimator, k = 3).");
  s.boolean("latent_statistics", true, "Mean, variance and excess kurtosis of z per scale.");
  s.boolean("sample_grid", true, "Pictures of flow samples beside Markov-chain configurations.");
  s.integer("grid", 16, "Configurations per picture grid.").range(1, 256);
  s.text("flow_from", "",
         "Run directory whose trained flow to load, rebuilt from that run's flow, block, prior and "
         "seed (empty: this run's).");
  return k;
}

StageKind report_stage() {
  StageKind k{
      "report", "A self-contained report.html with the run's plots.", {}, {}, run_report_stage};
  k.schema.text("title", "", "Report title (default: the pipeline name).");
  return k;
}

}  // namespace

const std::vector<StageKind>& stage_catalog() {
  static const std::vector<StageKind> catalog = {train_stage(), sample_stage(), analyze_stage(),
                                                 report_stage()};
  return catalog;
}

const StageKind* find_stage(std::string_view name) {
  for (const auto& k : stage_catalog())
    if (k.name == name) return &k;
  return nullptr;
}

const Schema& flow_schema() {
  static const Schema schema = [] {
    Schema s;
    s.choice("layout", "mera", {"mera", "tebd", "tree"},
             "Hierarchy: mera (disentanglers + decimators), tebd (disentanglers only), tree "
             "(decimators only).");
    s.integer("depth", 0, "Levels of the hierarchy (mera/tree) or layers (tebd); 0 = full.")
        .range(0, std::nullopt);
    s.choice("shared", "layer", {"block", "layer", "scale", "true", "false"},
             "Blocks sharing one set of weights: block (none), layer (the blocks of a layer), "
             "scale (one disentangler and one decimator for every level); true = layer, false = "
             "block.");
    s.choice("symmetrize", "none", {"none", "z2"},
             "z2: q(x) = [q(x) + q(−x)]/2, one extra inference pass per step.");
    s.map("block", false,
          "Block bijector plugin section (default {plugin: realnvp}), or a list of sections "
          "applied in order inside every block (a chain).");
    return s;
  }();
  return schema;
}

}  // namespace neuralrg
