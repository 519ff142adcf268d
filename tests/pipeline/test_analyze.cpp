// The analyze and report stages through the CLI, on a flow whose answers are known exactly: the
// tree of fixed Haar blocks, whose top latent variable is Σx / L.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "support/cli.hpp"
#include "util/csv.hpp"

using namespace neuralrg;
using neuralrg::test::read_text;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("analyze: Haar response maps are exact — the report draws every analysis figure") {
  TempDir tmp;
  const auto pipeline = tmp.write("haar.yaml", R"(name: haar
seed: 3
target: {plugin: ising_dual, L: 4, beta: 0.3}
flow: {layout: tree, block: {plugin: wavelet_linear}}
stages:
  - analyze: {samples: 64, warmup: 5, response_samples: 32, grid: 4}
  - report: {title: "Haar <check>"}
)");
  const auto r = run_cli("run " + pipeline.string() + " --out " + (tmp.path / "run").string());
  INFO(r.out);
  INFO(r.err);
  REQUIRE(r.status == 0);
  const fs::path a = tmp.path / "run/analysis";
  // z_0 = Σx / 4 on the 4×4 lattice: ∂z_0/∂x_j = 1/4 for every j and every configuration.
  const Matrix top = read_csv_matrix(a / "response-0.csv");
  REQUIRE(top.rows() == 4);
  REQUIRE(top.cols() == 4);
  CHECK((top.array() - 0.25).abs().maxCoeff() < 1e-12);
  // The other coarse variables are wavelet details, orthogonal to the constant.
  int details = 0;
  for (const auto& e : fs::directory_iterator(a))
    if (e.path().filename().string().starts_with("response-") && e.path() != a / "response-0.csv") {
      CHECK(std::abs(read_csv_matrix(e.path()).sum()) < 1e-12);
      ++details;
    }
  CHECK(details == 3);
  // Levels: 12 finest details, 3 coarser details, and the top smooth coefficient.
  const CsvTable stats = read_csv(a / "latent_statistics.csv");
  REQUIRE(stats.rows.size() == 3);
  CHECK(stats.numbers("count") == std::vector<double>{12 * 64, 3 * 64, 64});
  // KL(π‖q) ≥ 0 for any q; the per-site row is the total over the 16 sites.
  const CsvTable kl = read_csv(a / "divergence.csv");
  REQUIRE(kl.rows.size() == 2);
  const auto value = kl.numbers("value"), err = kl.numbers("stderr");
  CHECK(value[0] > -3 * err[0]);
  CHECK(err[0] > 0);
  CHECK(value[1] == doctest::Approx(value[0] / 16));
  CHECK(read_csv_matrix(a / "mutual_information-physical.csv").rows() == 4);
  CHECK(read_csv_matrix(a / "samples-flow.csv").rows() == 4);
  CHECK(read_csv_matrix(a / "samples-mcmc.csv").cols() == 16);
  // Every part reports: the maps take minutes at L = 32 (2 × 15 site pairs at L = 4).
  CHECK(r.err.find("analyze0.response done: 4 maps over 32 configurations") != std::string::npos);
  CHECK(r.err.find("analyze0.mutual_information done: 30 site pairs") != std::string::npos);

  const std::string html = read_text(tmp.path / "run/report.html");
  CHECK(html.find("<h1>Haar &lt;check&gt;</h1>") != std::string::npos);
  // 4 response maps, 2 mutual-information maps, latent moments, 2 picture grids.
  CHECK(count(html, "<figure>") == 9);
  CHECK(count(html, "<svg") == 9);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // nothing fetched
  CHECK(r.out.find("report.html with 9 figures") != std::string::npos);

  // `neuralrg report` rewrites it from the same files.
  fs::remove(tmp.path / "run/report.html");
  const auto again = run_cli("report " + (tmp.path / "run").string());
  CHECK(again.status == 0);
  CHECK(count(read_text(tmp.path / "run/report.html"), "<figure>") == 9);
  const auto missing = run_cli("report " + (tmp.path / "nowhere").string());
  CHECK(missing.status == 1);
  CHECK(missing.err.find("not a run directory") != std::string::npos);
}

namespace {

// observables.csv rows of one stage, without the columns that hold wall-clock times.
std::vector<std::string> stage_rows(const fs::path& run, const std::string& stage) {
  const CsvTable t = read_csv(run / "observables.csv");
  std::vector<std::string> rows;
  for (const auto& row : t.rows) {
    if (row[0] != stage) continue;
    std::string kept;
    for (std::size_t i = 0; i < row.size(); ++i)
      if (t.header[i] != "seconds" && t.header[i] != "ess_per_second") kept += row[i] + ",";
    rows.push_back(kept);
  }
  return rows;
}

}  // namespace

TEST_CASE("flow_from loads another run's flow for its own stage only") {
  TempDir tmp;
  const std::string head = R"(target: {plugin: ising_dual, L: 4, beta: 0.3}
flow: {layout: mera, block: {plugin: realnvp, couplings: 2, hidden: [4]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 32, epochs: 3}
)";
  const auto other = tmp.write("other.yaml", "name: other\nseed: 5\n" + head);
  REQUIRE(run_cli("run " + other.string() + " --out " + (tmp.path / "other").string()).status == 0);
  const std::string sample =
      "sampler: {plugin: metropolis}, space: physical, chains: 16, warmup: 5, sweeps: 20}\n";
  const auto with =
      tmp.write("with.yaml", "name: with\nseed: 6\n" + head +
                                 "  - sample: {flow_from: " + (tmp.path / "other").string() + ", " +
                                 sample + "  - sample: {" + sample);
  const auto without =
      tmp.write("without.yaml", "name: without\nseed: 6\n" + head + "  - sample: {" + sample +
                                    "  - sample: {" + sample);
  for (const auto& [file, out] : {std::pair{with, "with"}, std::pair{without, "without"}}) {
    const auto r = run_cli("run " + file.string() + " --out " + (tmp.path / out).string());
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  // Physical-space Metropolis does not use the flow, but its start does (chains start from the
  // flow's samples): stage 1 differs, and stage 2 (no flow_from) is this run's again.
  CHECK(stage_rows(tmp.path / "with", "1") != stage_rows(tmp.path / "without", "1"));
  CHECK(stage_rows(tmp.path / "with", "2") == stage_rows(tmp.path / "without", "2"));
}
