// The standard normal prior, optionally with a learnable width per scale of the hierarchy:
// z_i = σ_{ℓ(i)} ε_i, ln p(z) = Σ_i [−½ (z_i/σ_{ℓ(i)})² − ln σ_{ℓ(i)}] − (N/2) ln 2π.
#include <cmath>
#include <numbers>

#include <neuralrg/neuralrg.hpp>

namespace gaussian {
namespace {

using namespace neuralrg;

class Gaussian final : public Prior {
 public:
  Gaussian(const PriorContext& ctx, bool learn_width)
      : sites_(ctx.sites),
        learn_(learn_width),
        scale_of_site_(ctx.site_scale.begin(), ctx.site_scale.end()) {
    if (learn_) log_sigma_.value = Matrix::Zero(1, std::max(ctx.scales, 1));
  }

  Index sites() const override { return sites_; }

  std::vector<Parameter*> parameters() override {
    if (!learn_) return {};
    return {&log_sigma_};
  }

 private:
  Var do_reparameterize(Var eps) const override {
    if (!learn_) return eps;
    return mul(eps, neuralrg::exp(site_log_sigma(eps.tape())));
  }

  Var do_log_prob(Var z) const override {
    const Scalar norm =
        -Scalar(0.5) * static_cast<Scalar>(sites_) * std::log(2 * std::numbers::pi_v<Scalar>);
    if (!learn_) return shift(scale(row_sum(square(z)), Scalar(-0.5)), norm);
    Var log_sigma = site_log_sigma(z.tape());
    Var standardized = mul(z, neuralrg::exp(neg(log_sigma)));
    return shift(sub(scale(row_sum(square(standardized)), Scalar(-0.5)), row_sum(log_sigma)), norm);
  }

  Var site_log_sigma(Tape& tape) const {  // 1 × sites
    return gather_cols(tape.param(log_sigma_), scale_of_site_);
  }

  Index sites_;
  bool learn_;
  std::vector<Index> scale_of_site_;
  Parameter log_sigma_{"log_sigma", {}, {}};
};

void register_factories(Registry& registry) {
  Schema s;
  s.boolean("learn_width", false, "Learn one width per scale of the hierarchy.");
  registry.add_prior("gaussian", "Independent normal latent variables (standard by default).", s,
                     [](const Params& p, const PriorContext& ctx) {
                       return std::make_unique<Gaussian>(ctx, p.boolean("learn_width"));
                     });
}

}  // namespace
}  // namespace gaussian

NEURALRG_PLUGIN("gaussian", "1.0.0", gaussian::register_factories)
