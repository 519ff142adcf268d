// Bijector's public entries: the shape checks every block plugin would otherwise write by hand.
#include "neuralrg/bijector.hpp"

#include "sdk/contract_check.hpp"

namespace neuralrg {
namespace {

Transformed checked(const char* method, Var in, Index width, Transformed out) {
  detail::require_result_shape(method, "a value", out.value ? out.value.rows() : 0,
                               out.value ? out.value.cols() : 0, in.rows(), width);
  detail::require_result_shape(method, "a log-det", out.log_det ? out.log_det.rows() : 0,
                               out.log_det ? out.log_det.cols() : 0, in.rows(), 1);
  return out;
}

}  // namespace

Transformed Bijector::forward(Var z) const {
  if (!z) detail::contract_error("bijector forward", "the input is an empty Var");
  detail::require_input_cols("bijector forward", "width()", z.rows(), z.cols(), width());
  return checked("bijector forward", z, width(), do_forward(z));
}

Transformed Bijector::inverse(Var x) const {
  if (!x) detail::contract_error("bijector inverse", "the input is an empty Var");
  detail::require_input_cols("bijector inverse", "width()", x.rows(), x.cols(), width());
  return checked("bijector inverse", x, width(), do_inverse(x));
}

}  // namespace neuralrg
