// Spline coupling block: a stack of masked couplings whose updated inputs go through monotone
// rational-quadratic splines (Durkan et al. 2019) instead of an affine map. One MLP per coupling
// reads the passed-through inputs and outputs every spline's knots. Its last layer starts at zero,
// so each block starts as the identity.
#include <memory>

#include "coupling_masks.hpp"
#include "coupling_stack.hpp"
#include "mlp.hpp"
#include "rq_spline.hpp"

namespace spline {
namespace {

using namespace neuralrg;
using conditioner::Mlp;

struct Coupling {
  RowVector mask;              // 1 = passes through and conditions the update
  std::vector<Index> updated;  // the columns with mask 0, in order
  Mlp net;
};

class SplineCoupling final : public Bijector {
 public:
  SplineCoupling(const Params& p, const BijectorContext& ctx) : width_(ctx.width) {
    shape_.bins = static_cast<int>(p.integer("bins"));
    shape_.bound = static_cast<Scalar>(p.real("bound"));
    Rng rng = Rng::stream(ctx.seed, "spline.init");
    const auto activation = conditioner::parse_activation(p.text("activation"));
    const auto couplings = p.integer("couplings");
    couplings_.reserve(static_cast<std::size_t>(couplings));
    RowVector mask(width_);
    for (long long k = 0; k < couplings; ++k) {
      conditioner::next_mask(mask, k, p.text("mask"), rng);
      std::vector<Index> updated;
      for (Index i = 0; i < width_; ++i)
        if (mask(i) == 0) updated.push_back(i);
      std::vector<Index> widths{width_};
      for (long long h : p.integers("hidden")) widths.push_back(static_cast<Index>(h));
      widths.push_back(shape_.params_per_spline() * static_cast<Index>(updated.size()));
      Mlp net("coupling" + std::to_string(k), widths, activation, rng);
      net.zero_output_layer();
      couplings_.push_back(Coupling{mask, std::move(updated), std::move(net)});
    }
  }

  Index width() const override { return width_; }

  std::vector<Parameter*> parameters() override {
    std::vector<Parameter*> out;
    for (auto& c : couplings_) c.net.collect(out);
    return out;
  }

 private:
  Transformed do_forward(Var z) const override { return run(z, false); }
  Transformed do_inverse(Var x) const override { return run(x, true); }

  Transformed run(Var in, bool inverse) const {
    return conditioner::run_couplings(
        couplings_, in, inverse,
        [this](const Coupling& c, Var& y, Var& log_det, bool inv) { step(c, y, log_det, inv); });
  }

  void step(const Coupling& c, Var& y, Var& log_det, bool inverse) const {
    // The passed-through inputs are the same in both directions, and so are the knots.
    Var knots = c.net(y, y.tape().constant(c.mask));
    Transformed out = rq_spline(y, knots, c.updated, shape_, inverse);
    y = out.value;
    log_det = add(log_det, out.log_det);
  }

  Index width_;
  SplineShape shape_;
  std::vector<Coupling> couplings_;
};

void register_factories(Registry& registry) {
  Schema s;
  s.integer("couplings", 4, "Spline coupling layers per block.").range(1, std::nullopt);
  s.integers("hidden", std::vector<long long>{10, 10, 10},
             "Hidden widths of each coupling's network.")
      .range(1, 4096);
  s.integer("bins", 8, "Spline bins on [−bound, bound].").range(2, 128);
  s.real("bound", 10.0,
         "Half-width of the interval the splines cover; the identity outside. The Ising dual "
         "variables reach ±7: a bound of 5 drops part of the target (docs/results.md).")
      .range(1e-3, std::nullopt);
  s.choice("activation", "elu", {"elu", "tanh", "softplus"}, "Hidden-layer activation.");
  s.choice("mask", "random", {"random", "checkerboard"},
           "random: seeded half of the inputs, alternating with the complement.");
  registry.add_bijector("spline", "Rational-quadratic spline couplings (neural spline flow block).",
                        s, [](const Params& p, const BijectorContext& ctx) {
                          return std::make_unique<SplineCoupling>(p, ctx);
                        });
}

}  // namespace
}  // namespace spline

NEURALRG_PLUGIN("spline", "1.0.0", spline::register_factories)
