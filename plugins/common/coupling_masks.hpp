// The masks of a stack of couplings: which inputs pass through (1) and condition the update of
// the others (0). Shared by the coupling plugins so they split their inputs the same way.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <neuralrg/neuralrg.hpp>

namespace conditioner {

/// The mask of coupling k given the previous one: odd couplings take the complement of the
/// previous mask, even ones draw a new half of the inputs from `rng` (pattern "random") or take
/// the even-numbered inputs ("checkerboard"). Drawing mask by mask, interleaved with the
/// couplings' weights, keeps a plugin's initial state a function of its seed alone.
inline void next_mask(neuralrg::RowVector& mask, long long k, const std::string& pattern,
                      neuralrg::Rng& rng) {
  using neuralrg::Index;
  const Index width = mask.cols();
  if (k % 2 == 1) {
    mask = (1 - mask.array()).matrix();
  } else if (pattern == "random") {
    std::vector<Index> order(static_cast<std::size_t>(width));
    for (Index i = 0; i < width; ++i) order[static_cast<std::size_t>(i)] = i;
    for (Index i = width - 1; i > 0; --i)  // Fisher–Yates with our own stream
      std::swap(order[static_cast<std::size_t>(i)],
                order[static_cast<std::size_t>(rng.uniform() * static_cast<double>(i + 1))]);
    mask.setZero();
    for (Index i = 0; i < width / 2; ++i) mask(order[static_cast<std::size_t>(i)]) = 1;
  } else {
    for (Index i = 0; i < width; ++i) mask(i) = (i % 2 == 0) ? 1 : 0;
  }
}

}  // namespace conditioner
