#include "additive_coupling.hpp"

#include <stdexcept>
#include <string>

namespace additive {

using namespace neuralrg;

AdditiveCoupling::AdditiveCoupling(Index width, int layers, Index hidden, std::uint64_t seed)
    : width_(width), half_(width / 2) {
  Rng rng(seed);
  auto init = [&](const std::string& name, Index rows, Index cols, double scale) {
    Parameter p{name, Matrix(rows, cols), Matrix::Zero(rows, cols)};
    for (Index i = 0; i < p.value.size(); ++i) p.value.data()[i] = scale * rng.normal();
    return p;
  };
  for (int l = 0; l < layers; ++l) {
    const std::string n = "layer" + std::to_string(l);
    layers_.push_back({init(n + ".W1", hidden, half_, 0.5), init(n + ".b1", 1, hidden, 0.1),
                       init(n + ".W2", half_, hidden, 0.1), init(n + ".b2", 1, half_, 0.1)});
  }
}

std::vector<Parameter*> AdditiveCoupling::parameters() {
  std::vector<Parameter*> out;
  for (auto& l : layers_) out.insert(out.end(), {&l.W1, &l.b1, &l.W2, &l.b2});
  return out;
}

Var AdditiveCoupling::shift(Var a, std::size_t layer) const {
  Tape& tape = a.tape();
  const Layer& l = layers_[layer];
  const Var h = dense(a, tape.param(l.W1), tape.param(l.b1), Activation::Tanh);
  return linear(h, tape.param(l.W2), tape.param(l.b2));
}

// v has width() columns: Bijector::forward/inverse checked it before calling do_forward/do_inverse.
Transformed AdditiveCoupling::apply(Var v, bool inverse) const {
  Var first = slice_cols(v, 0, half_), second = slice_cols(v, half_, width_ - half_);
  const std::size_t n = layers_.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t l = inverse ? n - 1 - k : k;  // the inverse undoes the layers in reverse
    if (l % 2 == 0)
      second = inverse ? sub(second, shift(first, l)) : add(second, shift(first, l));
    else
      first = inverse ? sub(first, shift(second, l)) : add(first, shift(second, l));
  }
  return {concat_cols(first, second), v.tape().filled(v.rows(), 1, 0)};
}

namespace {

void register_factories(Registry& registry) {
  Schema s;
  s.integer("layers", 4, "Coupling layers (halves alternate).").range(1, 64);
  s.integer("hidden", 16, "Hidden units of each shift network.").range(1, 4096);
  registry.add_bijector("additive_coupling", "Additive (NICE) coupling block, volume preserving.",
                        s, [](const Params& p, const BijectorContext& ctx) {
                          if (ctx.width % 2 != 0)
                            throw std::invalid_argument("additive_coupling needs an even width");
                          return std::make_unique<AdditiveCoupling>(
                              ctx.width, static_cast<int>(p.integer("layers")), p.integer("hidden"),
                              ctx.seed);
                        });
}

}  // namespace
}  // namespace additive

NEURALRG_PLUGIN("additive_coupling", "1.0.0", additive::register_factories)
