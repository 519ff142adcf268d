// Prior's public entries: shape checks around the plugin's methods.
#include "neuralrg/prior.hpp"

#include "sdk/contract_check.hpp"

namespace neuralrg {
namespace {

void require_sites(const char* method, Var v, Index sites) {
  if (!v) detail::contract_error(method, "the input is an empty Var");
  detail::require_input_cols(method, "sites()", v.rows(), v.cols(), sites);
}

Index rows_of(Var v) {
  return v ? v.rows() : 0;
}
Index cols_of(Var v) {
  return v ? v.cols() : 0;
}

}  // namespace

void Prior::noise(Rng& rng, MatrixMap eps) const {
  detail::require_input_cols("prior noise", "sites()", eps.rows(), eps.cols(), sites());
  for (Index i = 0; i < eps.size(); ++i) eps.data()[i] = static_cast<Scalar>(rng.normal());
}

Var Prior::reparameterize(Var eps) const {
  require_sites("prior reparameterize", eps, sites());
  Var z = do_reparameterize(eps);
  detail::require_result_shape("prior reparameterize", "latent samples", rows_of(z), cols_of(z),
                               eps.rows(), sites());
  return z;
}

Var Prior::log_prob(Var z) const {
  require_sites("prior log_prob", z, sites());
  Var out = do_log_prob(z);
  detail::require_result_shape("prior log_prob", "ln p", rows_of(out), cols_of(out), z.rows(), 1);
  return out;
}

}  // namespace neuralrg
