#include "pipeline/warm_start.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>

#include "config/value_diff.hpp"

namespace neuralrg {
namespace {

[[noreturn]] void refuse(const TrainedFlow& source, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", source.dir.string(), what));
}

// Everything that decides how the bijectors are built besides the lattice: the same block sections
// and seed give every copied instance the source's masks.
void check_construction(const PipelineSpec& spec, const TrainedFlow& source) {
  const PipelineSpec& from = source.spec;
  if (from.seed != spec.seed)
    refuse(source,
           fmt::format("was trained with seed {}, this pipeline's is {}; a warm start needs "
                       "the same seed, from which the blocks draw their masks",
                       from.seed, spec.seed));
  if (from.flow->text("layout") != spec.flow->text("layout") ||
      parse_sharing(from.flow->text("shared")) != parse_sharing(spec.flow->text("shared")))
    refuse(source, fmt::format("its flow is {} with shared: {}, this pipeline's {} with shared: {}",
                               from.flow->text("layout"), from.flow->text("shared"),
                               spec.flow->text("layout"), spec.flow->text("shared")));
  if (from.blocks.size() != spec.blocks.size())
    refuse(source, fmt::format("its flow.block chains {} block plugins, this pipeline's {}",
                               from.blocks.size(), spec.blocks.size()));
  for (std::size_t k = 0; k < spec.blocks.size(); ++k) {
    const std::string& was = from.blocks[k].factory->name;
    const std::string& now = spec.blocks[k].factory->name;
    if (was != now)
      refuse(source, fmt::format("its block plugin is {}, this pipeline's is {}", was, now));
    const auto changed =
        differences(from.blocks[k].params.resolved(), spec.blocks[k].params.resolved());
    if (!changed.empty())
      refuse(source,
             fmt::format("its {} block is built differently: {}", now, fmt::join(changed, "; ")));
  }
  if (from.prior->factory->name != spec.prior->factory->name)
    refuse(source, fmt::format("its prior plugin is {}, this pipeline's is {}",
                               from.prior->factory->name, spec.prior->factory->name));
}

// The first tensor of `b` whose name or shape differs from `a`'s, described; empty if none.
std::string tensor_difference(const std::vector<Parameter*>& a, const std::vector<Parameter*>& b) {
  if (a.size() != b.size()) return fmt::format("{} tensors there, {} here", a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i]->name != b[i]->name || a[i]->value.rows() != b[i]->value.rows() ||
        a[i]->value.cols() != b[i]->value.cols())
      return fmt::format("{} is {}×{} there, {} {}×{} here", a[i]->name, a[i]->value.rows(),
                         a[i]->value.cols(), b[i]->name, b[i]->value.rows(), b[i]->value.cols());
  return {};
}

}  // namespace

WarmStartPlan plan_warm_start(const PipelineSpec& spec, const Flow& flow,
                              const TrainedFlow& source) {
  check_construction(spec, source);
  const Hierarchy& to = flow.hierarchy();
  const Hierarchy& from = source.flow->hierarchy();
  const auto& extent = to.plan().extent;
  if (source.extent.size() != extent.size())
    refuse(source, fmt::format("its flow is for a {}D lattice, this one is {}D",
                               source.extent.size(), extent.size()));
  if (to.sharing() == Sharing::block && source.extent != extent)
    refuse(source, fmt::format("with shared: block every block has its own weights, so a flow "
                               "for {} cannot start one for {}; use shared: layer or scale",
                               extent_text(source.extent), extent_text(extent)));
  WarmStartPlan plan;
  const Index common = std::min(to.bijector_count(), from.bijector_count());
  for (Index i = 0; i < common; ++i) {
    const std::string differs =
        tensor_difference(from.bijector_parameters(i), to.bijector_parameters(i));
    if (!differs.empty()) refuse(source, fmt::format("block bijector {}: {}", i, differs));
    plan.bijectors.emplace_back(i, i);
  }
  const std::string prior_differs =
      tensor_difference(source.flow->prior_parameters(), flow.prior_parameters());
  plan.prior = prior_differs.empty();
  const bool prior_has_weights = !flow.prior_parameters().empty();
  plan.summary = fmt::format(
      "warm start from {} ({} → {}, shared: {}): block bijectors 0–{} of {} copied{}; prior {}",
      source.dir.string(), extent_text(source.extent), extent_text(extent), to_string(to.sharing()),
      common - 1, to.bijector_count(),
      common < to.bijector_count() ? " (the rest keep the seed's initialisation)" : "",
      !prior_has_weights ? "has no weights"
      : plan.prior       ? "copied"
                         : "keeps its initialisation (" + prior_differs + ")");
  return plan;
}

void apply_warm_start(const WarmStartPlan& plan, Flow& flow, const Flow& source) {
  auto copy = [](const std::vector<Parameter*>& from, const std::vector<Parameter*>& to) {
    for (std::size_t i = 0; i < to.size(); ++i) to[i]->value = from[i]->value;
  };
  for (const auto& [mine, theirs] : plan.bijectors)
    copy(source.hierarchy().bijector_parameters(theirs),
         flow.hierarchy().bijector_parameters(mine));
  if (plan.prior) copy(source.prior_parameters(), flow.prior_parameters());
}

}  // namespace neuralrg
