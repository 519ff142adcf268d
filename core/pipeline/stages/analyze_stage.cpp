#include "pipeline/stages/analyze_stage.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "analysis/flow_estimators.hpp"
#include "analysis/moments.hpp"
#include "analysis/mutual_information.hpp"
#include "pipeline/stages/stage_chains.hpp"
#include "report/progress.hpp"
#include "util/atomic_file.hpp"
#include "util/csv.hpp"
#include "util/npy.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

// The lattice as a picture: rows × cols with site r·cols + c at (r, c); a chain is one row.
std::pair<Index, Index> picture_shape(const Target& target) {
  const auto extent = target.lattice();
  return extent.size() == 2 ? std::pair{extent[0], extent[1]} : std::pair{Index{1}, extent[0]};
}

Matrix as_picture(const Eigen::Ref<const Matrix>& row, std::pair<Index, Index> shape) {
  Matrix m(shape.first, shape.second);
  for (Index r = 0; r < shape.first; ++r)
    for (Index c = 0; c < shape.second; ++c) m(r, c) = row(0, r * shape.second + c);
  return m;
}

// A part of the stage that takes minutes at L = 32 (the response and mutual-information maps):
// rank 0 reports its progress, and Ctrl-C stops it between steps as it stops the chains.
class StagePart {
 public:
  StagePart(const RunContext& ctx, std::string label, long long total)
      : ctx_(ctx), label_(std::move(label)) {
    if (ctx.comm->is_root()) progress_.emplace(label_, total, 0);
  }
  void step(long long done, const std::string& unit) {
    stop_point(ctx_, label_ + ": interrupted");
    if (progress_) progress_->update(done, unit);
  }
  void finish(const std::string& status) {
    if (progress_) progress_->finish(status);
  }

 private:
  const RunContext& ctx_;
  std::string label_;
  std::optional<Progress> progress_;
};

// I(v_0; v_j) for every site j (0 at j = 0), each pair independent so threads cannot change it.
// Sites go in slices, between which the part reports and can stop; `done` counts pairs.
Matrix mutual_information_map(const Matrix& v, StagePart& part, long long& done) {
  constexpr Index kSlice = 64;
  Matrix mi = Matrix::Zero(1, v.cols());
  const Eigen::VectorXd first = v.col(0).cast<double>();
  for (Index begin = 1; begin < v.cols(); begin += kSlice) {
    const Index end = std::min(v.cols(), begin + kSlice);
    tbb::parallel_for(begin, end, [&](Index j) {
      const Eigen::VectorXd other = v.col(j).cast<double>();
      mi(0, j) =
          analysis::mutual_information_ksg({first.data(), static_cast<std::size_t>(first.size())},
                                           {other.data(), static_cast<std::size_t>(other.size())});
    });
    done += end - begin;
    part.step(done, "site pairs");
  }
  return mi;
}

// Rows mean, variance, skewness, excess kurtosis; one column per latent variable (site order),
// so numpy reads latent_moments[1] as every variable's variance.
std::vector<std::vector<double>> latent_moments(const Matrix& z) {
  std::vector<std::vector<double>> rows(4, std::vector<double>(static_cast<std::size_t>(z.cols())));
  const double n = static_cast<double>(z.rows());
  for (Index s = 0; s < z.cols(); ++s) {
    const auto column = z.col(s).cast<double>();
    const double mean = column.mean();
    const auto centred = (column.array() - mean).eval();
    const double m2 = centred.square().sum() / n;
    const double m3 = centred.cube().sum() / n;
    const double m4 = centred.square().square().sum() / n;
    const auto k = static_cast<std::size_t>(s);
    rows[0][k] = mean;
    rows[1][k] = m2;
    rows[2][k] = m3 / std::pow(m2, 1.5);
    rows[3][k] = m4 / (m2 * m2) - 3;
  }
  return rows;
}

std::string latent_statistics_csv(const Matrix& z, const std::vector<int>& site_scale) {
  std::string out =
      "level,count,mean,variance,excess_kurtosis,mean_stderr,variance_stderr,"
      "kurtosis_stderr\n";
  const int levels =
      site_scale.empty() ? 0 : *std::max_element(site_scale.begin(), site_scale.end()) + 1;
  for (int level = 0; level < levels; ++level) {
    std::vector<double> values;
    for (Index s = 0; s < z.cols(); ++s)
      if (site_scale[static_cast<std::size_t>(s)] == level)
        for (Index r = 0; r < z.rows(); ++r) values.push_back(z(r, s));
    if (values.size() < 2) continue;
    const auto m = analysis::moments(values);
    out += fmt::format("{},{},{:.8g},{:.8g},{:.8g},{:.4g},{:.4g},{:.4g}\n", level, m.count, m.mean,
                       m.variance, m.excess_kurtosis, m.mean_stderr, m.variance_stderr,
                       m.kurtosis_stderr);
  }
  return out;
}

// The forward KL(π‖q), which needs the exact free energy.
void write_divergence(const Target& target, const Matrix& x, const Eigen::VectorXd& log_q,
                      const fs::path& dir) {
  if (const auto f = target.exact_free_energy()) {
    const analysis::Estimate kl = analysis::forward_kl(target, x, log_q, *f);
    const double sites = static_cast<double>(x.cols());
    write_file_atomic(dir / "divergence.csv",
                      fmt::format("quantity,value,stderr\nforward_kl,{:.8g},{:.4g}\n"
                                  "forward_kl_per_site,{:.8g},{:.4g}\n",
                                  kl.mean, kl.stderr_, kl.mean / sites, kl.stderr_ / sites));
    fmt::print("  forward KL(π‖q) {:.4f} ± {:.4f} nats over {} configurations\n", kl.mean,
               kl.stderr_, x.rows());
  }
}

// Pictures of n flow samples beside n Markov-chain configurations.
void write_sample_grids(const RunContext& ctx, const Matrix& x, Index n, std::size_t index,
                        const fs::path& dir) {
  const auto shape = picture_shape(*ctx.target);
  Tape tape;
  tape.freeze_parameters(true);
  Rng rng = Rng::stream(ctx.spec.seed, fmt::format("analyze{}.grid", index));
  const Matrix generated = ctx.flow->sample(tape, n, rng).x.value();
  Matrix shown;
  Picture picture = ctx.target->picture(generated, shown);
  write_file_atomic(dir / "samples-flow.csv", csv_matrix_text(shown));
  ctx.target->picture(x.topRows(n), shown);
  write_file_atomic(dir / "samples-mcmc.csv", csv_matrix_text(shown));
  write_file_atomic(dir / "picture.csv",
                    fmt::format("rows,cols,label,lo,hi\n{},{},{},{},{}\n", shape.first,
                                shape.second, picture.label, picture.lo, picture.hi));
}

}  // namespace

void run_analyze_stage(RunContext& ctx, const StageSpec& stage, std::size_t index) {
  const Params& p = stage.params;
  const PluginUse& use = stage.plugin("sampler");
  load_flow_from(ctx, p);
  const fs::path dir = ctx.dir / "analysis";
  fs::create_directories(dir);
  const auto shape = picture_shape(*ctx.target);
  const Flow& flow = *ctx.flow;

  ChainOptions options;
  options.chains = static_cast<Index>(p.integer("samples"));
  options.warmup = p.integer("warmup");
  options.sweeps = 1;
  options.chunk = std::max<Index>(1, (options.chains + 7) / 8);
  options.seed = ctx.spec.seed;
  options.stream = fmt::format("analyze{}", index);
  fmt::print("stage {} (analyze): {} chains of {} in {} space, {} sweeps\n", index, options.chains,
             use.factory->name, p.text("space"), options.warmup + 1);
  const ChainResult chains = run_sampler_chains(ctx, stage, options);
  const Matrix& x = chains.final_x;
  Matrix oriented = x;
  Rng orient_rng = Rng::stream(ctx.spec.seed, fmt::format("analyze{}.orient", index));
  Eigen::VectorXd log_q;
  const Matrix z = analysis::orient_and_invert(flow, oriented, orient_rng, log_q);
  const std::string stopped = fmt::format("analyze{}: interrupted", index);
  stop_point(ctx, stopped);
  write_divergence(*ctx.target, x, log_q, dir);

  const auto& plan = flow.hierarchy().plan();
  if (p.boolean("response")) {
    // The coarsest two levels (at most four variables): the collective variables of the flow.
    std::vector<Index> top;
    for (int level = plan.scales - 1; level >= std::max(0, plan.scales - 2); --level)
      for (Index s = 0; s < flow.sites(); ++s)
        if (plan.site_scale[static_cast<std::size_t>(s)] == level && top.size() < 4)
          top.push_back(s);
    const Index m = std::min<Index>(x.rows(), p.integer("response_samples"));
    StagePart part(ctx, fmt::format("analyze{}.response", index), m);
    const auto maps = analysis::responses(flow, oriented.topRows(m), top,
                                          [&](Index rows) { part.step(rows, "configurations"); });
    part.finish(fmt::format("{} maps over {} configurations", top.size(), m));
    for (std::size_t k = 0; k < top.size(); ++k)
      write_file_atomic(dir / fmt::format("response-{}.csv", top[k]),
                        csv_matrix_text(as_picture(maps[k], shape)));
    fmt::print("  response maps of {} top-level latent variables over {} configurations\n",
               top.size(), m);
  }
  stop_point(ctx, stopped);
  if (p.boolean("mutual_information")) {
    StagePart part(ctx, fmt::format("analyze{}.mutual_information", index), 2 * (x.cols() - 1));
    long long pairs = 0;
    const Matrix mi_x = mutual_information_map(x, part, pairs);
    const Matrix mi_z = mutual_information_map(z, part, pairs);
    part.finish(fmt::format("{} site pairs", pairs));
    write_file_atomic(dir / "mutual_information-physical.csv",
                      csv_matrix_text(as_picture(mi_x, shape)));
    write_file_atomic(dir / "mutual_information-latent.csv",
                      csv_matrix_text(as_picture(mi_z, shape)));
    fmt::print(
        "  mutual information with site 0, summed over sites: physical {:.4f}, latent "
        "{:.4f} nats\n",
        mi_x.sum(), mi_z.sum());
  }
  stop_point(ctx, stopped);
  if (p.boolean("latent_statistics")) {
    write_file_atomic(dir / "latent_statistics.csv", latent_statistics_csv(z, plan.site_scale));
    write_npy(dir / "latent_moments.npy", latent_moments(z));
  }
  if (p.boolean("sample_grid"))
    write_sample_grids(ctx, x, std::min<Index>(p.integer("grid"), x.rows()), index, dir);
}

}  // namespace neuralrg
