// Target's public entries: shape checks, and a measure() that cannot leave a column unfilled.
#include "neuralrg/target.hpp"

#include <cmath>
#include <limits>

#include "sdk/contract_check.hpp"

namespace neuralrg {

Index Target::sites() const {
  Index n = 1;
  for (Index extent : lattice()) n *= extent;
  return n;
}

Var Target::energy(Var x) const {
  if (!x) detail::contract_error("target energy", "the input is an empty Var");
  detail::require_input_cols("target energy", "the lattice's sites", x.rows(), x.cols(), sites());
  Var e = do_energy(x);
  // rows×sites here is the classic slip (a per-site energy without its row_sum): it would
  // broadcast silently into every loss.
  detail::require_result_shape("target energy", "energies", e ? e.rows() : 0, e ? e.cols() : 0,
                               x.rows(), 1);
  return e;
}

// Counted once: a target may compute exact values in observables() (by enumeration, say), and
// measure() runs for every chunk of every measured sweep.
Index Target::observable_count() const {
  std::call_once(observable_count_once_,
                 [this] { observable_count_ = static_cast<Index>(observables().size()); });
  return observable_count_;
}

void Target::measure(const Matrix& x, Rng& rng, Matrix& out) const {
  detail::require_input_cols("target measure", "the lattice's sites", x.rows(), x.cols(), sites());
  const Index count = observable_count();
  // NaN marks "not written", so an estimator that fills fewer columns than it declares is caught.
  out.setConstant(x.rows(), count, std::numeric_limits<Scalar>::quiet_NaN());
  do_measure(x, rng, out);
  detail::require_result_shape("target measure", "estimates", out.rows(), out.cols(), x.rows(),
                               count);
  for (Index c = 0; c < count; ++c)
    for (Index r = 0; r < out.rows(); ++r)
      if (!std::isfinite(out(r, c)))
        detail::contract_error(
            "target measure",
            fmt::format("observable '{}' (column {} of {}) is {} for sample {}: every declared "
                        "column must be filled with a finite value",
                        observables()[static_cast<std::size_t>(c)].name, c, count, out(r, c), r));
}

Picture Target::picture(const Matrix& x, Matrix& out) const {
  detail::require_input_cols("target picture", "the lattice's sites", x.rows(), x.cols(), sites());
  out.resize(x.rows(), x.cols());
  Picture p = do_picture(x, out);
  detail::require_result_shape("target picture", "a picture", out.rows(), out.cols(), x.rows(),
                               x.cols());
  return p;
}

}  // namespace neuralrg
