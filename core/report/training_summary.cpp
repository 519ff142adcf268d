#include "report/training_summary.hpp"

#include <algorithm>
#include <cmath>

namespace neuralrg::report {

std::vector<double> running_mean(const std::vector<double>& v, std::size_t window) {
  std::vector<double> out(v.size());
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i])) sum += v[i], ++count;
    if (i >= window && std::isfinite(v[i - window])) sum -= v[i - window], --count;
    out[i] = count ? sum / static_cast<double>(count) : std::nan("");
  }
  return out;
}

TrainingSummary summarize_training(const CsvTable& metrics) {
  TrainingSummary s;
  const auto rel = metrics.numbers("relative_error"), loss = metrics.numbers("loss_mean"),
             ess = metrics.numbers("ess"), seconds = metrics.numbers("seconds"),
             exact = metrics.numbers("free_energy_exact"),
             free_energy_is = metrics.numbers("free_energy_is");
  s.epochs = metrics.rows.size();
  s.window = std::max<std::size_t>(1, s.epochs / 50);
  s.smooth_relative_error = running_mean(rel, s.window);
  s.smooth_ess = running_mean(ess, s.window);
  const double nan = std::nan("");
  auto last = [&](const std::vector<double>& v) { return v.empty() ? nan : v.back(); };
  s.final_relative_error = last(s.smooth_relative_error);
  s.best_relative_error = nan;
  for (double r : s.smooth_relative_error)
    if (std::isfinite(r) && !(r >= s.best_relative_error)) s.best_relative_error = r;
  s.free_energy_exact = exact.empty() ? nan : exact.front();
  s.smooth_bound = running_mean(loss, s.window);
  s.final_bound = last(s.smooth_bound);
  s.final_free_energy_is = last(running_mean(free_energy_is, s.window));
  s.final_ess = last(s.smooth_ess);
  // The seconds column has millisecond resolution, so small models need the mean over all epochs.
  s.seconds_per_epoch = seconds.size() < 2 ? nan
                                           : (seconds.back() - seconds.front()) /
                                                 static_cast<double>(seconds.size() - 1);
  return s;
}

}  // namespace neuralrg::report
