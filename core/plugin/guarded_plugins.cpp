#include "plugin/guarded_plugins.hpp"

#include <fmt/format.h>

#include <memory>
#include <string_view>
#include <utility>

namespace neuralrg {
namespace {

// Runs a plugin method; an exception becomes a PluginError "KIND 'NAME' METHOD: what". The SDK's
// checks already start with "KIND METHOD: ", which is replaced rather than repeated.
template <class F>
decltype(auto) call(PluginKind kind, const std::string& name, std::string_view method, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const PluginError&) {
    throw;  // already named (e.g. a flow inside a sampling space)
  } catch (const std::exception& e) {
    std::string_view what = e.what();
    const std::string own = fmt::format("{} {}: ", to_string(kind), method);
    if (what.starts_with(own)) what.remove_prefix(own.size());
    throw PluginError(fmt::format("{} '{}' {}: {}", to_string(kind), name, method, what));
  }
}

class GuardedBijector final : public Bijector {
 public:
  GuardedBijector(std::string name, std::unique_ptr<Bijector> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  Index width() const override { return inner_->width(); }
  std::vector<Parameter*> parameters() override { return inner_->parameters(); }

 private:
  Transformed do_forward(Var z) const override {
    return call(PluginKind::Bijector, name_, "forward", [&] { return inner_->forward(z); });
  }
  Transformed do_inverse(Var x) const override {
    return call(PluginKind::Bijector, name_, "inverse", [&] { return inner_->inverse(x); });
  }
  std::string name_;
  std::unique_ptr<Bijector> inner_;
};

class GuardedTarget final : public Target {
 public:
  GuardedTarget(std::string name, std::unique_ptr<Target> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  std::vector<Index> lattice() const override {
    return call(PluginKind::Target, name_, "lattice", [&] { return inner_->lattice(); });
  }
  std::optional<double> exact_free_energy() const override {
    return call(PluginKind::Target, name_, "exact_free_energy",
                [&] { return inner_->exact_free_energy(); });
  }
  std::vector<Observable> observables() const override {
    return call(PluginKind::Target, name_, "observables", [&] { return inner_->observables(); });
  }
  const Target& inner() const { return *inner_; }

 private:
  Var do_energy(Var x) const override {
    return call(PluginKind::Target, name_, "energy", [&] { return inner_->energy(x); });
  }
  void do_measure(const Matrix& x, Rng& rng, Matrix& out) const override {
    call(PluginKind::Target, name_, "measure", [&] { inner_->measure(x, rng, out); });
  }
  Picture do_picture(const Matrix& x, Matrix& out) const override {
    return call(PluginKind::Target, name_, "picture", [&] { return inner_->picture(x, out); });
  }
  std::string name_;
  std::unique_ptr<Target> inner_;
};

class GuardedPrior final : public Prior {
 public:
  GuardedPrior(std::string name, std::unique_ptr<Prior> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  Index sites() const override { return inner_->sites(); }
  std::vector<Parameter*> parameters() override { return inner_->parameters(); }

 private:
  Var do_reparameterize(Var eps) const override {
    return call(PluginKind::Prior, name_, "reparameterize",
                [&] { return inner_->reparameterize(eps); });
  }
  Var do_log_prob(Var z) const override {
    return call(PluginKind::Prior, name_, "log_prob", [&] { return inner_->log_prob(z); });
  }
  std::string name_;
  std::unique_ptr<Prior> inner_;
};

class GuardedOptimizer final : public Optimizer {
 public:
  GuardedOptimizer(std::string name, std::unique_ptr<Optimizer> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  double learning_rate() const override { return inner_->learning_rate(); }
  std::vector<NamedMatrix> state() const override {
    return call(PluginKind::Optimizer, name_, "state", [&] { return inner_->state(); });
  }
  void load_state(std::span<const NamedMatrix> state) override {
    call(PluginKind::Optimizer, name_, "load_state", [&] { inner_->load_state(state); });
  }

 private:
  void do_step(std::span<Parameter* const> params, Scalar lr) override {
    call(PluginKind::Optimizer, name_, "step", [&] { inner_->step(params, lr); });
  }
  std::string name_;
  std::unique_ptr<Optimizer> inner_;
};

class GuardedSampler final : public Sampler {
 public:
  GuardedSampler(std::string name, std::unique_ptr<Sampler> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  void end_sweep(double acceptance, bool warmup) override {
    call(PluginKind::Sampler, name_, "end_sweep", [&] { inner_->end_sweep(acceptance, warmup); });
  }
  MoveKind move_kind() const override {
    MoveKind kind{};
    call(PluginKind::Sampler, name_, "move_kind", [&] { kind = inner_->move_kind(); });
    return kind;
  }

 private:
  void do_sweep(const SamplingSpace& space, ChainChunk& chains, Rng& rng) const override {
    call(PluginKind::Sampler, name_, "sweep", [&] { inner_->sweep(space, chains, rng); });
  }
  std::string name_;
  std::unique_ptr<Sampler> inner_;
};

template <class Guard, class Factory>
Factory wrap(std::string name, Factory factory) {
  return [name = std::move(name), factory = std::move(factory)](const Params& params,
                                                                const auto& context) {
    auto inner = factory(params, context);
    using Base = typename decltype(inner)::element_type;
    if (!inner) throw std::runtime_error(fmt::format("plugin factory '{}' returned null", name));
    return std::unique_ptr<Base>(std::make_unique<Guard>(name, std::move(inner)));
  };
}

}  // namespace

BijectorFactory guarded(std::string name, BijectorFactory f) {
  return wrap<GuardedBijector>(std::move(name), std::move(f));
}
TargetFactory guarded(std::string name, TargetFactory f) {
  return wrap<GuardedTarget>(std::move(name), std::move(f));
}
PriorFactory guarded(std::string name, PriorFactory f) {
  return wrap<GuardedPrior>(std::move(name), std::move(f));
}
OptimizerFactory guarded(std::string name, OptimizerFactory f) {
  return wrap<GuardedOptimizer>(std::move(name), std::move(f));
}
SamplerFactory guarded(std::string name, SamplerFactory f) {
  return wrap<GuardedSampler>(std::move(name), std::move(f));
}

const Target& unguarded(const Target& target) {
  const auto* guard = dynamic_cast<const GuardedTarget*>(&target);
  return guard ? guard->inner() : target;
}

}  // namespace neuralrg
