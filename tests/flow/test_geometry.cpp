// Hierarchy geometry: block counts, partitions, scales.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "flow/geometry.hpp"

using namespace neuralrg;

TEST_CASE("mera has two layers per level: 4, 6, 8, 10 layers for L = 4, 8, 16, 32") {
  // Not a structured binding: CAPTURE's lambda cannot capture one before Clang 16.
  for (const auto& size_layers :
       std::vector<std::pair<Index, std::size_t>>{{4, 4}, {8, 6}, {16, 8}, {32, 10}}) {
    const Index L = size_layers.first;
    const std::size_t layers = size_layers.second;
    CAPTURE(L);
    CHECK(plan_hierarchy({L, L}, "mera", 0).layers.size() == layers);
  }
  CHECK(plan_hierarchy({16, 16}, "tree", 0).layers.size() == 4);
  CHECK(plan_hierarchy({16, 16}, "tebd", 5).layers.size() == 5);
  CHECK(plan_hierarchy({16, 16}, "mera", 2).layers.size() == 4);
}

TEST_CASE("every layer partitions the sublattice of its level — decimators keep the [1,1] site") {
  const Index L = 16;
  const HierarchyPlan plan = plan_hierarchy({L, L}, "mera", 0);
  for (const auto& layer : plan.layers) {
    const Index d = Index{1} << layer.level;
    std::set<Index> sites(layer.index.begin(), layer.index.end());
    CHECK(sites.size() == layer.index.size());                     // no site twice
    CHECK(static_cast<Index>(sites.size()) == (L / d) * (L / d));  // the whole sublattice
    for (Index s : sites) CHECK((s / L % d == 0 && s % L % d == 0));
    if (layer.role == LayerRole::Decimator)
      for (Index b = 0; b < layer.blocks; ++b) {
        const Index kept = layer.index[b * 4 + 3];
        CHECK(kept / L % (2 * d) == 0);
        CHECK(kept % L % (2 * d) == 0);
      }
  }
  // Scales: 3/4 of the sites at level 0, then 3/16, ..., and one site at the top.
  std::vector<Index> count(plan.scales, 0);
  for (int s : plan.site_scale) ++count[s];
  CHECK(count == std::vector<Index>{192, 48, 12, 3, 1});
}

TEST_CASE("1D chains use blocks of two") {
  const HierarchyPlan plan = plan_hierarchy({8}, "mera", 0);
  CHECK(plan.width == 2);
  CHECK(plan.layers.size() == 6);
  CHECK(plan.layers[0].index == std::vector<Index>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(plan.layers[1].index == std::vector<Index>{1, 2, 3, 4, 5, 6, 7, 0});
}

TEST_CASE("bad geometry is refused with the value named") {
  CHECK_THROWS_WITH_AS(plan_hierarchy({12, 12}, "mera", 0),
                       "flow: L must be a power of two between 2 and 256, got 12",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(plan_hierarchy({16, 16}, "mera", 5),
                       "flow.depth: L = 16 has 4 levels, so depth must be ≤ 4, got 5",
                       std::invalid_argument);
  CHECK_THROWS_AS(plan_hierarchy({512, 512}, "mera", 0), std::invalid_argument);
}
