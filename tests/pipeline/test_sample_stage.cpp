// The sample stage through the CLI: where its chains start (`init:`), what it says when they
// disagree, which depends on how the sampler moves (a local sampler's chains still remember their
// start, an independence sampler's stick where the flow misses part of π), and lists of samplers.
#include <doctest/doctest.h>

#include <algorithm>

#include "report/thermalization.hpp"
#include "support/cli.hpp"
#include "util/csv.hpp"
#include "util/npy.hpp"

using neuralrg::read_csv;
using neuralrg::test::run_cli;
using neuralrg::test::TempDir;

namespace {

// A 6-epoch flow and a 2 + 6 sweep stage: the chains disagree (R̂ well above 1.05 at this seed)
// for both samplers.
std::string run_with_sampler(const std::string& sampler) {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", R"(name: advice
seed: 4
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [6]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 32, epochs: 6, checkpoint_every: 0}
  - sample: {space: latent, sampler: )" + sampler +
                                                R"(, chains: 8, warmup: 2, sweeps: 6}
)");
  const auto r =
      run_cli("run " + pipeline.string() + " --threads 1 --out " + (tmp.path / "run").string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

}  // namespace

TEST_CASE("chains that disagree: local samplers are told to raise the warm-up") {
  const std::string out = run_with_sampler("{plugin: hmc, step_size: 0.2, leapfrog: 3}");
  INFO(out);
  REQUIRE(out.find("warning: R̂ of structure_factor") != std::string::npos);
  CHECK(out.find("raise warmup") != std::string::npos);
  CHECK(out.find("train the flow longer") == std::string::npos);
}

TEST_CASE("chains that disagree: independence samplers are told the flow misses part of π") {
  const std::string out = run_with_sampler("{plugin: metropolis, mode: independence}");
  INFO(out);
  REQUIRE(out.find("warning: R̂ of") != std::string::npos);
  CHECK(out.find("train the flow longer or mix its proposals with local moves") !=
        std::string::npos);
  CHECK(out.find("raise warmup") == std::string::npos);
}

TEST_CASE("init: zero starts every chain at x = 0, prior and flow at random configurations") {
  // Random-walk steps of 1e-9 leave the chains where they start. At x = 0 the structure factor's
  // improved estimator is exactly 1/N (tanh 0 = 0 decouples the spins) in every chain, so its
  // error bar is 0; random starts give different values and an error bar above 0.
  for (const std::string init : {"zero", "prior", "flow"}) {
    INFO(init);
    TempDir tmp;
    const auto pipeline =
        tmp.write("p.yaml",
                  "name: start\nseed: 2\ntarget: {plugin: ising_dual, L: 4, beta: 0.4}\n"
                  "stages:\n  - sample: {space: physical, init: " +
                      init +
                      ", sampler: {plugin: metropolis, mode: random_walk, step_size: 1e-9}, "
                      "chains: 8, warmup: 0, sweeps: 4}\n");
    const auto r =
        run_cli("run " + pipeline.string() + " --threads 1 --out " + (tmp.path / "run").string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto table = read_csv(tmp.path / "run/observables.csv");
    REQUIRE(table.rows.at(0).at(*table.column("observable")) == "structure_factor");
    const double mean = table.numbers("mean")[0], error = table.numbers("stderr")[0];
    if (init == "zero") {
      CHECK(mean == doctest::Approx(1.0 / 16).epsilon(1e-6));
      CHECK(error == 0);
    } else {
      CHECK(error > 1e-3);
    }
  }
}

namespace {

// `neuralrg validate` on an L = 4 pipeline whose only stage is `stage` (one line of YAML).
neuralrg::test::CliResult validate_stage(const TempDir& tmp, const std::string& stage) {
  return run_cli(
      "validate " +
      tmp.write("v.yaml", "name: v\ntarget: {plugin: ising_dual, L: 4, beta: 0.4}\nstages:\n  - " +
                              stage + "\n")
          .string());
}

}  // namespace

TEST_CASE("a list of samplers runs as one chain, with each sampler's acceptance in samplers.csv") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", R"(name: combined
seed: 2
target: {plugin: ising_dual, L: 4, beta: 0.4}
stages:
  - sample:
      space: physical
      sampler: [{plugin: hmc, leapfrog: 2}, {plugin: swendsen_wang}]
      every: [1, 3]
      chains: 8
      warmup: 2
      sweeps: 9
)");
  const auto r =
      run_cli("run " + pipeline.string() + " --threads 1 --out " + (tmp.path / "run").string());
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("hmc + swendsen_wang in physical space") != std::string::npos);
  const auto samplers = read_csv(tmp.path / "run/samplers.csv");
  REQUIRE(samplers.rows.size() == 2);
  CHECK(samplers.rows[0].at(*samplers.column("sampler")) == "hmc");
  CHECK(samplers.rows[1].at(*samplers.column("sampler")) == "swendsen_wang");
  // Measured sweeps 2..10: all for hmc, the multiples of 3 (3, 6, 9) for swendsen_wang.
  CHECK(samplers.numbers("sweeps") == std::vector<double>{9, 3});
  CHECK(samplers.numbers("acceptance")[1] == 1);  // Gibbs moves
  const auto observables = read_csv(tmp.path / "run/observables.csv");
  CHECK(observables.rows.at(0).at(*observables.column("sampler")) == "hmc+swendsen_wang");
  // The run directory records the list with every default filled in.
  const std::string text = neuralrg::test::read_text(tmp.path / "run/config.yaml");
  CHECK(text.find("target_acceptance") != std::string::npos);
  CHECK(text.find("swendsen_wang") != std::string::npos);
}

TEST_CASE("a list of samplers: every/weights must fit the list and the combination") {
  TempDir tmp;
  const std::string two = "sampler: [{plugin: hmc}, {plugin: metropolis, mode: independence}]";
  const struct {
    std::string stage, message;
  } cases[] = {
      {"sample: {" + two + ", every: [1, 2, 3]}", "expected one value per sampler (2), got 3"},
      {"sample: {" + two + ", every: [2, 3]}", "some sampler must act every sweep"},
      {"sample: {" + two + ", every: [1, 0]}", "expected integers ≥ 1, got 0"},
      {"sample: {" + two + ", weights: [1, 2]}", "weights shape a mixture"},
      {"sample: {" + two + ", combine: mixture, every: [1, 2]}", "every shapes a cycle"},
      {"sample: {" + two + ", combine: mixture, weights: [1, -1]}", "expected positive numbers"},
      {"sample: {sampler: []}", "expected a sampler section or a non-empty list of them"},
      {"analyze: {" + two + "}", "expected a map"},
  };
  for (const auto& c : cases) {
    INFO(c.stage);
    const auto r = validate_stage(tmp, c.stage);
    INFO(r.err);
    CHECK(r.status != 0);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.find("v.yaml:4:") != std::string::npos);  // file and line of the stage
  }
  CHECK(validate_stage(tmp, "sample: {" + two + ", combine: mixture, weights: [3, 1]}").status ==
        0);
}

TEST_CASE("a sampler that refuses its space is reported by validate, at the stage's sampler key") {
  TempDir tmp;
  const auto pipeline = tmp.write(
      "p.yaml",
      "name: sw\ntarget: {plugin: ising_dual, L: 4, beta: 0.4}\nstages:\n  - train: {optimizer: "
      "{plugin: adam}, epochs: 100000}\n  - sample: {space: latent, sampler: {plugin: "
      "swendsen_wang}, chains: 4, warmup: 0, sweeps: 2}\n");
  // Before the long train stage, not after it.
  for (const std::string& command :
       {std::string("validate "), "run --out " + (tmp.path / "run").string() + " "}) {
    const auto r = run_cli(command + pipeline.string());
    INFO(command, r.out, r.err);
    CHECK(r.status != 0);
    CHECK(r.err.find("p.yaml:5:") != std::string::npos);
    CHECK(r.err.find("stages[1].sample.sampler: sampler plugin swendsen_wang: swendsen_wang moves "
                     "the physical configuration x; use space: physical") != std::string::npos);
    CHECK(r.out.find("train ") == std::string::npos);
  }
}

TEST_CASE("the report traces each observable against sweeps and seconds, from the stored series") {
  TempDir tmp;
  const auto pipeline = tmp.write("p.yaml", R"(name: trace
seed: 2
target: {plugin: ising_dual, L: 4, beta: 0.4}
stages:
  - sample: {space: physical, sampler: {plugin: hmc, leapfrog: 2}, init: zero, chains: 8, warmup: 2, measure_every: 2, sweeps: 8}
  - report: {}
)");
  const auto r =
      run_cli("run " + pipeline.string() + " --threads 1 --out " + (tmp.path / "run").string());
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  const auto observables = neuralrg::report::read_traces(tmp.path / "run");
  REQUIRE(observables.size() == 3);
  const auto means = read_csv(tmp.path / "run/observables.csv").numbers("mean");
  for (std::size_t k = 0; k < 3; ++k) {
    INFO(observables[k].observable);
    REQUIRE(observables[k].traces.size() == 1);
    const auto& trace = observables[k].traces[0];
    CHECK(trace.label == "stage 0: hmc (physical)");
    // Measured after sweeps 3, 5, 7 and 9 (2 warm-up sweeps, then every second sweep).
    CHECK(trace.sweeps == std::vector<double>{3, 5, 7, 9});
    REQUIRE(trace.seconds.size() == 4);
    CHECK(std::is_sorted(trace.seconds.begin(), trace.seconds.end()));
    // The recorded series is what the estimate is the mean of.
    double sum = 0;
    for (const double v : trace.values) sum += v;
    CHECK(sum / 4 == doctest::Approx(means[k]).epsilon(1e-9));
  }
  CHECK(observables[1].exact.has_value());  // energy per bond: Kaufman at any L
  const std::string html = neuralrg::test::read_text(tmp.path / "run/report.html");
  CHECK(html.find("seconds of sampling") != std::string::npos);
  CHECK(html.find("how many moves each sampler needs to forget its start") != std::string::npos);
}

TEST_CASE("init: file starts chain c at row c mod rows of a .npy array, checked before any sweep") {
  TempDir tmp;
  neuralrg::Matrix start(3, 16);
  for (neuralrg::Index r = 0; r < 3; ++r) start.row(r).setConstant(neuralrg::Scalar(0.5 * r));
  neuralrg::write_npy(tmp.path / "start.npy", start);
  const auto pipeline = [&](const std::string& init) {
    return tmp.write("p.yaml",
                     "name: file\nseed: 2\ntarget: {plugin: ising_dual, L: 4, beta: 0.4}\n"
                     "stages:\n  - sample: {space: physical, " +
                         init +
                         ", sampler: {plugin: metropolis, mode: random_walk, step_size: 1e-9}, "
                         "chains: 8, warmup: 0, sweeps: 1, save_samples: true}\n");
  };
  const auto r = run_cli(
      "run " + pipeline("init: file, init_file: " + (tmp.path / "start.npy").string()).string() +
      " --threads 1 --out " + (tmp.path / "run").string());
  INFO(r.out, r.err);
  REQUIRE(r.status == 0);
  const neuralrg::Matrix end = neuralrg::read_npy_matrix(tmp.path / "run/samples-stage0.npy");
  REQUIRE(end.rows() == 8);
  for (neuralrg::Index c = 0; c < 8; ++c) {
    INFO(c);
    CHECK((end.row(c).array() - start((c % 3), 0)).abs().maxCoeff() < 1e-6);
  }
  const struct {
    std::string init, message;
  } bad[] = {
      {"init: file", "init: file needs init_file: PATH"},
      {"init_file: " + (tmp.path / "start.npy").string(), "init_file is read only with init: file"},
      {"init: file, init_file: " + (tmp.path / "nope.npy").string(), "nope.npy is not a file"},
  };
  for (const auto& b : bad) {
    INFO(b.init);
    const auto v = run_cli("validate " + pipeline(b.init).string());
    CHECK(v.status != 0);
    CHECK(v.err.find(b.message) != std::string::npos);
  }
  // The wrong number of sites is found when the stage starts, naming the key.
  neuralrg::write_npy(tmp.path / "small.npy", neuralrg::Matrix::Zero(2, 4));
  const auto wrong = run_cli(
      "run " + pipeline("init: file, init_file: " + (tmp.path / "small.npy").string()).string() +
      " --threads 1 --out " + (tmp.path / "run2").string());
  CHECK(wrong.status != 0);
  CHECK(wrong.err.find("init_file") != std::string::npos);
  CHECK(wrong.err.find("holds 2 configurations of 4 sites; this target needs at least one of 16 "
                       "sites") != std::string::npos);
}
