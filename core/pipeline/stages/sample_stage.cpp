#include "pipeline/stages/sample_stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "pipeline/stages/stage_chains.hpp"
#include "util/atomic_file.hpp"
#include "util/npy.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

// The measurements behind each estimate, so others can redo the analysis (pyerrors, emcee,
// ArviZ): OBS.npy the average over all chains per measurement, OBS.groups.npy per group of
// chains (ArviZ's (chain, draw) layout).
void write_series(const fs::path& dir, const ChainResult& r) {
  fs::create_directories(dir);
  for (const auto& o : r.observables) {
    write_npy(dir / (o.name + ".npy"), o.series);
    write_npy(dir / (o.name + ".groups.npy"), o.group_series);
  }
}

// Chains of a local sampler remember where they started; chains of an independence sampler have
// no start to forget but stick in regions the flow undersamples, where more warm-up cannot help.
std::string_view disagreement_advice(const std::vector<SamplerResult>& samplers) {
  const auto independence = std::count_if(samplers.begin(), samplers.end(), [](const auto& s) {
    return s.move_kind == MoveKind::independence;
  });
  if (independence == 0)
    return "the warm-up was too short for the chains to forget their start; raise warmup";
  if (static_cast<std::size_t>(independence) == samplers.size())
    return "the flow's proposals miss part of the distribution (chains stick where it is "
           "undersampled): train the flow longer or mix its proposals with local moves";
  return "neither the flow's proposals nor the local moves mixed the chains: train the flow "
         "longer, propose from it more often, or raise warmup";
}

// The stage's samplers as one name for the tables: "hmc", or "hmc+metropolis" for a list.
std::string sampler_names(const std::vector<SamplerResult>& samplers) {
  std::string out;
  for (const auto& s : samplers) out += (out.empty() ? "" : "+") + s.name;
  return out;
}

// `file` with this stage's rows (left by an interrupted earlier attempt) replaced by `rows`; rows
// of other stages are kept, padded if written before a column was added, so the table stays
// rectangular. The whole table is rewritten atomically.
void replace_stage_rows(const fs::path& file, const std::string& header, std::size_t index,
                        const std::string& rows) {
  std::string table = header + "\n";
  if (std::ifstream in(file); in) {
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line))
      if (!line.empty() && line.substr(0, line.find(',')) != std::to_string(index)) {
        const auto missing = std::count(header.begin(), header.end(), ',') -
                             std::count(line.begin(), line.end(), ',');
        table +=
            line + std::string(static_cast<std::size_t>(std::max<long>(missing, 0)), ',') + "\n";
      }
  }
  write_file_atomic(file, table + rows);
}

// samplers.csv: each sampler of the stage with its share of the moves and its acceptance, which
// a combined chain's mean acceptance hides.
void write_sampler_rows(const fs::path& dir, std::size_t index, const ChainResult& r) {
  std::string rows;
  for (std::size_t k = 0; k < r.samplers.size(); ++k) {
    const auto& s = r.samplers[k];
    rows += fmt::format("{},{},{},{},{},{:.4f}\n", index, k, s.name,
                        s.move_kind == MoveKind::independence ? "independence" : "local", s.sweeps,
                        s.acceptance);
  }
  replace_stage_rows(dir / "samplers.csv", "stage,position,sampler,move_kind,sweeps,acceptance",
                     index, rows);
}

// The configurations of init_file (chains × sites; chain c takes row c mod rows), checked against
// the lattice before any chain starts.
Matrix start_configurations(const RunContext& ctx, const Params& p) {
  Matrix x;
  try {
    x = read_npy_matrix(p.text("init_file"));
  } catch (const std::runtime_error& e) {
    throw p.error("init_file", e.what());
  }
  const Index sites = ctx.flow->sites();
  if (x.cols() != sites || x.rows() == 0)
    throw p.error("init_file", fmt::format("{} holds {} configurations of {} sites; this target "
                                           "needs at least one of {} sites",
                                           p.text("init_file"), x.rows(), x.cols(), sites));
  if (!x.allFinite())
    throw p.error("init_file", fmt::format("{} holds non-finite values", p.text("init_file")));
  return x;
}

// The starting configurations `init:` asks for; empty for flow samples (the space's proposals).
// ctx.flow is read when the chains start, after flow_from has put another run's flow in place.
std::function<void(Rng&, Index, Matrix&)> chain_start(const RunContext& ctx, const Params& p) {
  const std::string& init = p.text("init");
  if (init == "zero") return [](Rng&, Index, Matrix& x) { x.setZero(); };
  if (init == "prior")
    return [&ctx](Rng& rng, Index, Matrix& x) {
      Tape tape;
      tape.freeze_parameters(true);
      Var eps = tape.filled(x.rows(), x.cols(), 0);
      ctx.flow->prior().noise(rng, eps.value());
      x = ctx.flow->prior().reparameterize(eps).value();
    };
  if (init == "file")
    return [start = start_configurations(ctx, p)](Rng&, Index first, Matrix& x) {
      for (Index r = 0; r < x.rows(); ++r) x.row(r) = start.row((first + r) % start.rows());
    };
  return {};
}

// observables.csv and samplers.csv rows of this stage, and the same on the console.
void write_results(const RunContext& ctx, std::size_t index, const std::string& space,
                   const ChainOptions& options, const ChainResult& r) {
  const std::string header =
      "stage,sampler,space,observable,mean,stderr,tau_int,acceptance,samples,"
      "seconds,ess_per_second,exact,r_hat,ess_bulk,ess_tail";
  std::string rows;
  const auto declared = ctx.target->observables();
  for (std::size_t k = 0; k < r.observables.size(); ++k) {
    const auto& o = r.observables[k];
    const auto exact = declared[k].exact;
    rows += fmt::format(
        "{},{},{},{},{:.12g},{:.6g},{:.4g},{:.4f},{},{:.3f},{:.6g},{},{:.4f},{:.5g},{:.5g}\n",
        index, sampler_names(r.samplers), space, o.name, o.estimate.mean, o.estimate.stderr_,
        o.estimate.tau_int, r.acceptance, r.measurements * options.chains, r.seconds,
        o.effective_samples / std::max(r.seconds, 1e-9),
        exact ? fmt::format("{:.12g}", *exact) : std::string(), o.r_hat, o.bulk_ess, o.tail_ess);
    fmt::print("  {:<18} {:.6f} ± {:.6f}  (τ_int {:.2f}, acceptance {:.3f}, R̂ {:.3f})\n", o.name,
               o.estimate.mean, o.estimate.stderr_, o.estimate.tau_int, r.acceptance, o.r_hat);
    if (o.r_hat > kRHatWarning)
      fmt::print(
          "  warning: R̂ of {} is {:.3f} > {}: groups of chains disagree or drift, so the "
          "error bar is not trustworthy; {}\n",
          o.name, o.r_hat, kRHatWarning, disagreement_advice(r.samplers));
    else if (std::isnan(o.r_hat))  // split R̂ compares half-series of groups of chains
      fmt::print(
          "  warning: R̂ of {} is undefined: it needs at least 2 chains and 4 measurements "
          "(this stage has {} chains and {} measurements)\n",
          o.name, options.chains, r.measurements);
  }
  replace_stage_rows(ctx.dir / "observables.csv", header, index, rows);
  write_sampler_rows(ctx.dir, index, r);
  if (r.samplers.size() > 1)
    for (const auto& s : r.samplers)
      fmt::print("  {:<18} acceptance {:.3f} over {} measured sweeps\n", s.name, s.acceptance,
                 s.sweeps);
}

}  // namespace

void run_sample_stage(RunContext& ctx, const StageSpec& stage, std::size_t index) {
  const Params& p = stage.params;
  std::string names;
  for (const PluginUse* use : stage.plugins_of("sampler"))
    names += (names.empty() ? "" : " + ") + use->factory->name;
  const std::string& space_name = p.text("space");
  load_flow_from(ctx, p);
  ChainOptions options;
  options.chains = static_cast<Index>(p.integer("chains"));
  options.warmup = p.integer("warmup");
  options.sweeps = p.integer("sweeps");
  options.measure_every = p.integer("measure_every");
  options.chunk = std::max<Index>(1, (options.chains + 7) / 8);
  options.seed = ctx.spec.seed;
  options.stream = fmt::format("sample{}", index);
  options.keep_final_states = p.boolean("save_samples");
  options.start = chain_start(ctx, p);

  fmt::print("stage {} (sample): {} in {} space, {} chains, {} + {} sweeps\n", index, names,
             space_name, options.chains, options.warmup, options.sweeps);
  const ChainResult r = run_sampler_chains(ctx, stage, options);
  if (!ctx.comm->is_root()) return;  // every rank has the results; rank 0 writes them

  write_results(ctx, index, space_name, options, r);
  write_series(ctx.dir / "series" / fmt::format("stage{}", index), r);
  if (p.boolean("save_samples"))
    write_npy(ctx.dir / fmt::format("samples-stage{}.npy", index), r.final_x);
}

}  // namespace neuralrg
