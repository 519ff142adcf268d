// Each observable against sweeps and against seconds for every sample stage of a run, with the
// exact value as a line: how fast each sampler forgets its start (the letter's Fig. 3b), and a
// trace plot of every chain average the error bars come from.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neuralrg::report {

struct Figure {
  std::string svg, caption;
};

/// One sample stage's series of one observable, placed in time.
struct Trace {
  std::string label;  ///< "stage 1: hmc (latent)"
  /// Sweeps done at each measurement (warmup + k·measure_every + 1), and the seconds they took
  /// at the stage's mean rate over its measured sweeps.
  std::vector<double> sweeps, seconds;
  std::vector<double> values;  ///< The average over all chains at each measurement.
};

struct ObservableTraces {
  std::string observable;
  std::optional<double> exact;
  std::vector<Trace> traces;  ///< One per sample stage, in stage order.
};

/// The traces of every observable (in observables.csv's order) that can be read.
std::vector<ObservableTraces> read_traces(const std::filesystem::path& dir);

/// Per observable, one figure against sweeps and one against seconds, from the run directory's
/// series/stage<i>/OBS.npy, observables.csv and config.yaml; none without sample stages. Files it
/// cannot read are left out, not errors: a report of a finished run must not fail on them.
std::vector<Figure> thermalization_figures(const std::filesystem::path& dir);

}  // namespace neuralrg::report
