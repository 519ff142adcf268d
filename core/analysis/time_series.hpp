// Error analysis of Markov chain time series.
#pragma once

#include <vector>

namespace neuralrg {

struct SeriesEstimate {
  double mean;
  double stderr_;        ///< Standard error of the mean, accounting for autocorrelation.
  double tau_int;        ///< Integrated autocorrelation time (in measurements), ≥ 0.5.
  double binned_stderr;  ///< The error from a binning analysis (bins of ~ 20 τ or more).
};

/// Integrated autocorrelation time τ = ½ + Σ_{t=1}^{W} ρ(t) with the Madras–Sokal automatic
/// window: the smallest W with W ≥ c·τ(W), c = 6.
double integrated_autocorrelation_time(const std::vector<double>& series, double c = 6.0);

/// Mean with its error: σ/√n · √(2τ) from the autocorrelation time, and independently from
/// binning (the series cut into 16–32 bins, each much longer than τ). stderr_ is the larger of the
/// two, so neither an underestimated τ nor too few bins makes the error bar too small.
SeriesEstimate analyze_series(const std::vector<double>& series);

/// Split-R̂ (Gelman et al., Bayesian Data Analysis, 3rd ed., § 11.4): every sequence is cut in
/// half and the between-half-sequence variance of the means is compared with the variance within
/// them. ≈ 1 when all sequences sample the same stationary distribution; > 1 when they disagree
/// or drift (a warm-up too short for the chains to forget where they started). The sequences
/// must have equal lengths; NaN when fewer than 2 sequences or 4 points each.
double split_r_hat(const std::vector<std::vector<double>>& sequences);

/// Standard error of the grand mean from the spread of the sequences' own means, sd/√M, for M
/// independent sequences (groups of independent chains). Unlike the time-series errors, it sees
/// modes the chains do not leave during the run. NaN for fewer than 2 sequences.
double between_sequence_stderr(const std::vector<std::vector<double>>& sequences);

}  // namespace neuralrg
