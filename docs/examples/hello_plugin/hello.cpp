// The smallest useful plugin: a fixed "shift by c" bijector on blocks.
// forward: x = z + c (log-det 0); inverse: z = x − c.
#include <neuralrg/neuralrg.hpp>

namespace {

class Shift final : public neuralrg::Bijector {
 public:
  Shift(neuralrg::Index width, neuralrg::Scalar c) : width_(width), c_(c) {}
  neuralrg::Index width() const override { return width_; }
  std::vector<neuralrg::Parameter*> parameters() override { return {}; }
  neuralrg::Transformed do_forward(neuralrg::Var z) const override { return apply(z, c_); }
  neuralrg::Transformed do_inverse(neuralrg::Var x) const override { return apply(x, -c_); }

 private:
  static neuralrg::Transformed apply(neuralrg::Var v, neuralrg::Scalar c) {
    const neuralrg::Var zero = v.tape().filled(v.rows(), 1, 0);
    return {neuralrg::shift(v, c), zero};
  }
  neuralrg::Index width_;
  neuralrg::Scalar c_;
};

void register_factories(neuralrg::Registry& registry) {
  neuralrg::Schema schema;
  schema.real("c", 0.0, "The constant added in the generative direction.");
  registry.add_bijector("hello_shift", "Adds a constant to every input (a fixed example).", schema,
                        [](const neuralrg::Params& p, const neuralrg::BijectorContext& ctx) {
                          return std::make_unique<Shift>(ctx.width, p.real("c"));
                        });
}

}  // namespace

NEURALRG_PLUGIN("hello", "1.0.0", register_factories)
