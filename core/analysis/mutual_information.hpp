// Mutual information between two scalar variables from samples: the Kraskov–Stögbauer–Grassberger
// k-nearest-neighbour estimator (their "algorithm 1"), PRE 69, 066138 (2004).
#pragma once

#include <span>

namespace neuralrg::analysis {

/// I(a; b) in nats from paired samples (a_i, b_i):
///   I = ψ(k) + ψ(N) − ⟨ψ(n_a + 1) + ψ(n_b + 1)⟩,
/// where ε_i is the max-norm distance from point i to its k-th nearest neighbour in the joint
/// space and n_a (n_b) counts the other points closer than ε_i in a (b) alone. Unbiased for
/// independent variables up to O(1/N) fluctuations (it can come out slightly negative); cost
/// O(N²). Requires a.size() == b.size() > k.
double mutual_information_ksg(std::span<const double> a, std::span<const double> b, int k = 3);

}  // namespace neuralrg::analysis
