// Real NVP block: a stack of masked affine couplings (Dinh et al.), with the NeuralRG defaults:
// 10 couplings, random 2-of-4 masks alternating with their complement, separate s and t MLPs
// [4, 10, 10, 10, 4] with ELU, and s = scale ⊙ tanh(h) with scale initialised to 0 so every block
// starts volume preserving.
#include <algorithm>
#include <memory>

#include "coupling_masks.hpp"
#include "coupling_stack.hpp"
#include "mlp.hpp"

using conditioner::Mlp;

namespace realnvp {
namespace {

using namespace neuralrg;

struct Coupling {
  RowVector mask;  // 1 = passes through and conditions the update
  Mlp s_net, t_net;
  Parameter scale;
};

class RealNvp final : public Bijector {
 public:
  RealNvp(const Params& p, const BijectorContext& ctx) : width_(ctx.width) {
    Rng rng = Rng::stream(ctx.seed, "realnvp.init");
    const auto activation = conditioner::parse_activation(p.text("activation"));
    std::vector<Index> widths{width_};
    for (long long h : p.integers("hidden")) widths.push_back(static_cast<Index>(h));
    widths.push_back(width_);
    const auto couplings = p.integer("couplings");
    couplings_.reserve(static_cast<std::size_t>(couplings));
    RowVector mask(width_);
    for (long long k = 0; k < couplings; ++k) {
      conditioner::next_mask(mask, k, p.text("mask"), rng);
      const std::string name = "coupling" + std::to_string(k);
      Mlp s_net(name + ".s", widths, activation, rng);
      Mlp t_net(name + ".t", widths, activation, rng);
      couplings_.push_back(Coupling{mask, std::move(s_net), std::move(t_net),
                                    Parameter{name + ".scale", Matrix::Zero(1, width_), {}}});
    }
  }

  Index width() const override { return width_; }

  std::vector<Parameter*> parameters() override {
    std::vector<Parameter*> out;
    for (auto& c : couplings_) {
      c.s_net.collect(out);
      c.t_net.collect(out);
      out.push_back(&c.scale);
    }
    return out;
  }

  // The base class checked the width; each coupling keeps it.
 private:
  Transformed do_forward(Var z) const override {
    return conditioner::run_couplings(couplings_, z, false, step);
  }
  Transformed do_inverse(Var x) const override {
    return conditioner::run_couplings(couplings_, x, true, step);
  }

  static void step(const Coupling& c, Var& y, Var& log_det, bool inverse) {
    Tape& tape = y.tape();
    Var mask = tape.constant(c.mask);
    // The masked inputs are unchanged by the coupling, so s and t see the same values in both
    // directions.
    Var s = mul(c.s_net(y, mask, Activation::Tanh), tape.param(c.scale));
    Var t = c.t_net(y, mask);
    Transformed out = affine_coupling(y, s, t, c.mask, inverse);
    y = out.value;
    log_det = add(log_det, out.log_det);
  }

  Index width_;
  std::vector<Coupling> couplings_;
};

void register_factories(Registry& registry) {
  Schema s;
  s.integer("couplings", 10, "Affine coupling layers per block.").range(1, std::nullopt);
  s.integers("hidden", std::vector<long long>{10, 10, 10}, "Hidden widths of the s and t networks.")
      .range(1, 4096);
  s.choice("activation", "elu", {"elu", "tanh", "softplus"}, "Hidden-layer activation.");
  s.choice("mask", "random", {"random", "checkerboard"},
           "random: seeded half of the inputs, alternating with the complement.");
  registry.add_bijector("realnvp", "Real NVP block of masked affine couplings (the default).", s,
                        [](const Params& p, const BijectorContext& ctx) {
                          return std::make_unique<RealNvp>(p, ctx);
                        });
}

}  // namespace
}  // namespace realnvp

NEURALRG_PLUGIN("realnvp", "1.0.0", realnvp::register_factories)
