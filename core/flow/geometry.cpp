#include "flow/geometry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace neuralrg {
namespace {

int log2_exact(Index L) {
  int k = 0;
  while ((Index{1} << k) < L) ++k;
  return (Index{1} << k) == L ? k : -1;
}

// Blocks of dilation d, stride 2d, shifted by `offset` in every direction (periodic).
LayerPlan make_layer(const std::vector<Index>& extent, LayerRole role, int level, Index d,
                     Index offset) {
  const Index L = extent[0];
  const Index per_dim = L / (2 * d);
  LayerPlan layer{role, level, 0, {}};
  if (extent.size() == 2) {
    for (Index i = 0; i < per_dim; ++i)
      for (Index j = 0; j < per_dim; ++j) {
        for (Index a = 0; a < 2; ++a)
          for (Index b = 0; b < 2; ++b) {
            const Index r = (2 * d * i + a * d + offset) % L;
            const Index c = (2 * d * j + b * d + offset) % L;
            layer.index.push_back(r * L + c);
          }
        ++layer.blocks;
      }
  } else {
    for (Index i = 0; i < per_dim; ++i) {
      for (Index a = 0; a < 2; ++a) layer.index.push_back((2 * d * i + a * d + offset) % L);
      ++layer.blocks;
    }
  }
  return layer;
}

}  // namespace

std::string extent_text(const std::vector<Index>& extent) {
  return fmt::format("{}", fmt::join(extent, "×"));
}

Index HierarchyPlan::sites() const {
  Index n = 1;
  for (Index e : extent) n *= e;
  return n;
}

HierarchyPlan plan_hierarchy(const std::vector<Index>& extent, const std::string& layout,
                             int depth) {
  if (extent.empty() || extent.size() > 2)
    throw std::invalid_argument(
        fmt::format("flow: lattices of dimension 1 or 2 are supported, got {}", extent.size()));
  if (extent.size() == 2 && extent[0] != extent[1])
    throw std::invalid_argument(
        fmt::format("flow: 2D lattices must be square, got {}×{}", extent[0], extent[1]));
  const Index L = extent[0];
  const int levels = log2_exact(L);
  if (levels < 1 || L > 256)
    throw std::invalid_argument(
        fmt::format("flow: L must be a power of two between 2 and 256, got {}", L));
  if (depth < 0) throw std::invalid_argument("flow.depth: must be ≥ 0");

  HierarchyPlan plan;
  plan.extent = extent;
  plan.width = extent.size() == 2 ? 4 : 2;
  plan.site_scale.assign(plan.sites(), 0);

  if (layout == "tebd") {
    const int layers = depth == 0 ? 2 * levels : depth;
    for (int k = 0; k < layers; ++k)
      plan.layers.push_back(make_layer(extent, LayerRole::Disentangler, 0, 1, k % 2));
    plan.scales = 1;
    return plan;
  }
  if (layout != "mera" && layout != "tree")
    throw std::invalid_argument(
        fmt::format("flow.layout: expected mera, tebd or tree, got \"{}\"", layout));
  if (depth > levels)
    throw std::invalid_argument(
        fmt::format("flow.depth: L = {} has {} levels, so depth must be ≤ {}, got {}", L, levels,
                    levels, depth));
  const int used = depth == 0 ? levels : depth;
  for (int level = 0; level < used; ++level) {
    const Index d = Index{1} << level;
    if (layout == "mera")
      plan.layers.push_back(make_layer(extent, LayerRole::Disentangler, level, d, 0));
    LayerPlan decimator = make_layer(extent, LayerRole::Decimator, level, d, d);
    // Of each decimator block only the last element goes on; the others are latent at `level`.
    for (Index b = 0; b < decimator.blocks; ++b)
      for (Index k = 0; k + 1 < plan.width; ++k)
        plan.site_scale[decimator.index[b * plan.width + k]] = level;
    plan.layers.push_back(std::move(decimator));
  }
  // Sites that survive every decimation are the coarsest collective variables.
  const Index top_stride = Index{1} << used;
  for (Index s = 0; s < plan.sites(); ++s) {
    const Index r = extent.size() == 2 ? s / L : 0, c = extent.size() == 2 ? s % L : s;
    if (r % top_stride == 0 && c % top_stride == 0) plan.site_scale[s] = used;
  }
  plan.scales = used + 1;
  return plan;
}

}  // namespace neuralrg
