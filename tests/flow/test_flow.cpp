// The hierarchical flow against known truth: parameter counts, the Haar wavelet transform,
// sample/log_prob consistency, and the conformance kit for every layout.
#include <doctest/doctest.h>

#include <cmath>

#include "neuralrg/testing.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;

namespace {

Index count_parameters(const Flow& flow) {
  Index n = 0;
  for (Parameter* p : flow.parameters()) n += p->value.size();
  return n;
}

// The whole hierarchy seen as one bijector on all sites, so the conformance kit applies.
class HierarchyBijector final : public Bijector {
 public:
  explicit HierarchyBijector(const Flow& flow) : flow_(flow) {}
  Index width() const override { return flow_.sites(); }
  std::vector<Parameter*> parameters() override { return flow_.parameters(); }
  Transformed do_forward(Var z) const override { return flow_.forward(z); }
  Transformed do_inverse(Var x) const override { return flow_.inverse(x); }

 private:
  const Flow& flow_;
};

// Multi-level 2D Haar analysis written directly on the L×L grid: at level ℓ (d = 2^ℓ) the
// 2×2 blocks of the d-spaced grid, shifted by d, are replaced by (detail_h, detail_v, detail_d,
// smooth), the smooth one on the block's far corner.
Matrix haar_analysis(const Matrix& image) {
  Matrix g = image;
  const Index L = g.rows();
  for (Index d = 1; d < L; d *= 2)
    for (Index i = d; i < L + d; i += 2 * d)
      for (Index j = d; j < L + d; j += 2 * d) {
        const Index i0 = i % L, i1 = (i + d) % L, j0 = j % L, j1 = (j + d) % L;
        const double a = g(i0, j0), b = g(i0, j1), c = g(i1, j0), e = g(i1, j1);
        g(i0, j0) = (a - b + c - e) / 2;
        g(i0, j1) = (a + b - c - e) / 2;
        g(i1, j0) = (a - b - c + e) / 2;
        g(i1, j1) = (a + b + c + e) / 2;
      }
  return g;
}

}  // namespace

TEST_CASE("the L = 16 default flow has exactly 50 560 trainable parameters in 8 blocks") {
  auto flow = test::make_flow({16, 16}, "{}");
  CHECK(flow->hierarchy().bijector_count() == 8);
  CHECK(count_parameters(*flow) == 50560);
  for (auto [L, blocks] : std::vector<std::pair<Index, Index>>{{4, 4}, {8, 6}, {32, 10}})
    CHECK(test::make_flow({L, L}, "{}")->hierarchy().bijector_count() == blocks);
  auto unshared =
      test::make_flow({4, 4}, "{shared: false, block: {plugin: realnvp, couplings: 1}}");
  CHECK(unshared->hierarchy().bijector_count() == 4 + 4 + 1 + 1);
}

TEST_CASE("parameter counts follow the sharing: per block, per layer, or per role at every scale") {
  const long long per_bijector = 50560 / 8;  // the default Real NVP block on 2×2 plaquettes
  struct Case {
    std::vector<Index> extent;
    const char* flow;
    Index bijectors;
  };
  for (const Case& c : std::vector<Case>{{{16, 16}, "{shared: layer}", 8},
                                         {{16, 16}, "{shared: true}", 8},
                                         {{16, 16}, "{shared: scale}", 2},
                                         {{32, 32}, "{shared: scale}", 2},
                                         {{16, 16}, "{layout: tree}", 4},
                                         {{16, 16}, "{layout: tree, shared: scale}", 1},
                                         {{16, 16}, "{layout: tebd, shared: scale}", 1},
                                         {{16, 16}, "{depth: 2, shared: scale}", 2},
                                         {{4, 4}, "{shared: block}", 4 + 4 + 1 + 1},
                                         {{4, 4}, "{shared: false}", 4 + 4 + 1 + 1},
                                         {{8, 8}, "{shared: block}", 16 + 16 + 4 + 4 + 1 + 1},
                                         {{16, 16}, "{shared: block}", 170}}) {
    CAPTURE(c.flow);
    CAPTURE(c.extent[0]);
    auto flow = test::make_flow(c.extent, c.flow);
    CHECK(flow->hierarchy().bijector_count() == c.bijectors);
    CHECK(count_parameters(*flow) == c.bijectors * per_bijector);
  }
  // 1D: one decimator and one disentangler whatever L.
  CHECK(test::make_flow({64}, "{shared: scale}")->hierarchy().bijector_count() == 2);
}

TEST_CASE("tree layout with fixed Haar blocks is the multi-level 2D Haar transform") {
  const Index L = 8;
  auto flow = test::make_flow({L, L}, "{layout: tree, block: {plugin: wavelet_linear}}");
  const Matrix images = test::random_matrix(3, L * L, 17);
  Tape tape;
  Transformed t = flow->inverse(tape.constant(images));
  for (Index r = 0; r < images.rows(); ++r) {
    Matrix grid(L, L);
    for (Index s = 0; s < L * L; ++s) grid(s / L, s % L) = images(r, s);
    const Matrix expected = haar_analysis(grid);
    for (Index s = 0; s < L * L; ++s)
      CHECK(t.value.value()(r, s) ==
            doctest::Approx(expected(s / L, s % L)).epsilon(test::scaled(1e-12)));
    // Independent facts of an orthonormal wavelet transform: energy is conserved, the top
    // coefficient is Σx / L, and the volume is preserved.
    CHECK(t.value.value().row(r).squaredNorm() == doctest::Approx(images.row(r).squaredNorm()));
    CHECK(t.value.value()(r, 0) == doctest::Approx(images.row(r).sum() / L));
    CHECK(std::abs(t.log_det.value()(r, 0)) < test::scaled(1e-12));
  }
}

TEST_CASE("ln q from sampling equals log_prob of the same x to 1e-10") {
  for (const char* flow_yaml :
       {"{}", "{symmetrize: z2}", "{layout: tebd, depth: 3}", "{layout: tree, depth: 1}",
        "{shared: scale}", "{layout: tebd, shared: scale}",
        "{shared: false, block: {plugin: realnvp, couplings: 2}}",
        "{block: {plugin: wavelet_linear, trainable: true}}"}) {
    for (const char* prior : {"{plugin: gaussian}", "{plugin: gaussian, learn_width: true}"}) {
      CAPTURE(flow_yaml);
      CAPTURE(prior);
      auto flow = test::make_flow({8, 8}, flow_yaml, prior);
      Rng perturb(9);
      for (Parameter* p : flow->parameters())
        for (Index i = 0; i < p->value.size(); ++i) p->value.data()[i] += 0.1 * perturb.normal();
      Tape tape;
      Rng rng(4);
      FlowSample s = flow->sample(tape, 6, rng);
      Var lp = flow->log_prob(tape.constant(s.x.value()));
      CHECK((s.log_q.value() - lp.value()).cwiseAbs().maxCoeff() < test::scaled(1e-10));
    }
  }
}

TEST_CASE("z2 symmetrisation makes q even") {
  auto flow = test::make_flow({4, 4}, "{symmetrize: z2}");
  Rng perturb(3);
  for (Parameter* p : flow->parameters())
    for (Index i = 0; i < p->value.size(); ++i) p->value.data()[i] += 0.2 * perturb.normal();
  const Matrix x = test::random_matrix(4, 16, 8);
  Tape tape;
  const Matrix a = flow->log_prob(tape.constant(x)).value();
  const Matrix b = flow->log_prob(tape.constant(-x)).value();
  CHECK((a - b).cwiseAbs().maxCoeff() < test::scaled(1e-12));
}

TEST_CASE("every layout passes the conformance kit as one bijector") {
  const std::string block = "block: {plugin: realnvp, couplings: 2, hidden: [6]}";
  for (const auto& extent_layout :
       std::vector<std::pair<std::vector<Index>, std::string>>{{{4, 4}, "mera"},
                                                               {{4, 4}, "tebd"},
                                                               {{4, 4}, "tree"},
                                                               {{8}, "mera"},
                                                               {{8}, "tebd"},
                                                               {{8}, "tree"},
                                                               {{4, 4}, "mera, shared: false"},
                                                               {{8, 8}, "mera, shared: scale"},
                                                               {{8}, "tree, shared: scale"},
                                                               {{8, 8}, "mera, depth: 2"}}) {
    // Not a structured binding: CAPTURE's lambda cannot capture one before Clang 16.
    const std::vector<Index>& extent = extent_layout.first;
    const std::string& layout = extent_layout.second;
    CAPTURE(layout);
    CAPTURE(extent.size());
    auto flow = test::make_flow(extent, "{layout: " + layout + ", " + block + "}");
    Rng perturb(12);
    for (Parameter* p : flow->parameters())
      for (Index i = 0; i < p->value.size(); ++i) p->value.data()[i] += 0.2 * perturb.normal();
    HierarchyBijector whole(*flow);
    testing::BijectorCheck options;
    options.rows = 2;
    const auto report = testing::check_bijector(whole, options);
    INFO(report.message);
    CHECK(report.ok);
  }
}
