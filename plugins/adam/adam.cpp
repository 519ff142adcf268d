// Adam (Kingma & Ba) with L2 weight decay added to the gradient, as the letter's code uses
// (PyTorch's Adam weight_decay), or decoupled weight decay (AdamW, Loshchilov & Hutter).
#include <cmath>

#include <neuralrg/neuralrg.hpp>

namespace adam {
namespace {

using namespace neuralrg;

class Adam final : public Optimizer {
 public:
  Adam(double lr, double beta1, double beta2, double eps, double weight_decay, bool decoupled)
      : lr_(lr),
        beta1_(beta1),
        beta2_(beta2),
        eps_(eps),
        weight_decay_(weight_decay),
        decoupled_(decoupled) {}

  double learning_rate() const override { return lr_; }

  std::vector<NamedMatrix> state() const override {
    std::vector<NamedMatrix> out;
    out.push_back({"t", Matrix::Constant(1, 1, static_cast<Scalar>(t_))});
    for (std::size_t i = 0; i < m_.size(); ++i) {
      out.push_back({"m" + std::to_string(i), m_[i]});
      out.push_back({"v" + std::to_string(i), v_[i]});
    }
    return out;
  }

  void load_state(std::span<const NamedMatrix> state) override {
    if (state.empty() || state[0].name != "t" || state.size() % 2 != 1)
      throw std::runtime_error("adam: checkpoint state is not Adam's (expected t, m0, v0, ...)");
    t_ = static_cast<long long>(state[0].value(0, 0));
    m_.clear();
    v_.clear();
    for (std::size_t i = 1; i < state.size(); i += 2) {
      m_.push_back(state[i].value);
      v_.push_back(state[i + 1].value);
    }
  }

 private:
  // The base class checked that these are the first call's parameters with matching gradients.
  void do_step(std::span<Parameter* const> params, Scalar lr) override {
    if (m_.empty()) {
      for (Parameter* p : params) {
        m_.push_back(Matrix::Zero(p->value.rows(), p->value.cols()));
        v_.push_back(Matrix::Zero(p->value.rows(), p->value.cols()));
      }
    }
    if (m_.size() != params.size())  // a checkpoint of another flow
      throw std::runtime_error("adam: the state has " + std::to_string(m_.size()) +
                               " moments for " + std::to_string(params.size()) + " parameters");
    ++t_;
    const double c1 = 1 - std::pow(beta1_, static_cast<double>(t_));
    const double c2 = 1 - std::pow(beta2_, static_cast<double>(t_));
    for (std::size_t i = 0; i < params.size(); ++i) {
      Parameter& p = *params[i];
      auto theta = p.value.array();
      auto g = p.grad.array();
      if (weight_decay_ != 0 && decoupled_) theta -= lr * weight_decay_ * theta;
      auto m = m_[i].array();
      auto v = v_[i].array();
      if (weight_decay_ != 0 && !decoupled_) {
        m = beta1_ * m + (1 - beta1_) * (g + weight_decay_ * theta);
        v = beta2_ * v + (1 - beta2_) * (g + weight_decay_ * theta).square();
      } else {
        m = beta1_ * m + (1 - beta1_) * g;
        v = beta2_ * v + (1 - beta2_) * g.square();
      }
      theta -= lr * (m / c1) / ((v / c2).sqrt() + eps_);
    }
  }

  double lr_, beta1_, beta2_, eps_, weight_decay_;
  bool decoupled_;
  long long t_ = 0;
  std::vector<Matrix> m_, v_;
};

void register_factories(Registry& registry) {
  Schema s;
  s.real("lr", 1e-3, "Base learning rate (the train stage's schedule scales it).")
      .range(0, std::nullopt);
  s.real("beta1", 0.9, "Decay of the first-moment average.").range(0, 1);
  s.real("beta2", 0.999, "Decay of the second-moment average.").range(0, 1);
  s.real("eps", 1e-8, "Denominator guard.").range(0, std::nullopt);
  s.real("weight_decay", 0.0, "Weight decay strength.").range(0, std::nullopt);
  s.boolean("decoupled", false, "false: L2 added to the gradient (the letter); true: AdamW.");
  registry.add_optimizer("adam", "Adam with L2 or decoupled (AdamW) weight decay.", s,
                         [](const Params& p, const OptimizerContext&) {
                           return std::make_unique<Adam>(
                               p.real("lr"), p.real("beta1"), p.real("beta2"), p.real("eps"),
                               p.real("weight_decay"), p.boolean("decoupled"));
                         });
}

}  // namespace
}  // namespace adam

NEURALRG_PLUGIN("adam", "1.0.0", adam::register_factories)
