// Rank-normalized split-R̂ (Vehtari, Gelman, Simpson, Carpenter & Bürkner, Bayesian Analysis 16,
// 667, 2021): the convergence diagnostic Stan and ArviZ report. Classic split-R̂ compares means
// and variances of the raw values, so it misses sequences that agree in mean but not in scale,
// and it is undefined for heavy tails; computed on normal scores of the pooled ranks, and again
// on the ranks of the distance from the median, it sees both. Bulk- and tail-ESS are the paper's
// companions: effective sample sizes of the same rank-normalized values and of quantile
// indicators.
#pragma once

#include <vector>

namespace neuralrg {

/// The sequences' values replaced by normal scores of their ranks among all values pooled:
/// Φ⁻¹((r − 3/8) / (S + 1/4)) for rank r of S values (Blom), ties getting their average rank.
std::vector<std::vector<double>> rank_normal_scores(
    const std::vector<std::vector<double>>& sequences);

/// max(bulk, tail): split-R̂ of the rank-normalized values (differences in location) and of the
/// rank-normalized distances from the pooled median (differences in scale and tails). Equal-length
/// sequences; NaN when fewer than 2 sequences or 4 points each, or when a value is not finite.
double rank_normalized_r_hat(const std::vector<std::vector<double>>& sequences);

/// Effective sample size of equal-length sequences (Vehtari et al. 2021, eqs. 10–11; Geyer's
/// initial monotone sequence on the autocorrelations combined across sequences), in (0, S·log₁₀ S]
/// for S values (τ kept ≥ 1/log₁₀ S, as Stan does, so antithetic sequences cannot give a negative
/// or unbounded ESS). NaN as for R̂.
double effective_sample_size(const std::vector<std::vector<double>>& sequences);

/// Bulk-ESS: of the rank-normalized split sequences (how well the centre of the distribution is
/// sampled). Tail-ESS: the smaller ESS of the indicators of the 5 % and 95 % quantiles on the split
/// sequences (how well its tails are).
double bulk_effective_sample_size(const std::vector<std::vector<double>>& sequences);
double tail_effective_sample_size(const std::vector<std::vector<double>>& sequences);

}  // namespace neuralrg
