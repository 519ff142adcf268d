#include "flow/hierarchy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "flow/tiled_block.hpp"

namespace neuralrg {

Sharing parse_sharing(const std::string& word) {
  if (word == "block" || word == "false") return Sharing::block;
  if (word == "layer" || word == "true") return Sharing::layer;
  if (word == "scale") return Sharing::scale;
  throw std::invalid_argument(
      fmt::format("flow.shared: expected block, layer or scale, got \"{}\"", word));
}

const char* to_string(Sharing sharing) {
  switch (sharing) {
    case Sharing::block:
      return "block";
    case Sharing::layer:
      return "layer";
    case Sharing::scale:
      return "scale";
  }
  return "?";
}

Hierarchy::Hierarchy(HierarchyPlan plan, Sharing sharing, const BijectorMaker& make)
    : plan_(std::move(plan)), sharing_(sharing) {
  auto add_bijector = [&] {
    auto b = make(plan_.width, static_cast<Index>(bijectors_.size()));
    if (!b) throw std::runtime_error("flow: the block factory returned no bijector");
    if (b->width() != plan_.width)
      throw std::invalid_argument(
          fmt::format("flow.block: the block bijector takes {} inputs, but this lattice needs {}",
                      b->width(), plan_.width));
    parameters_.push_back(b->parameters());
    bijectors_.push_back(std::move(b));
  };
  std::vector<std::pair<LayerRole, std::size_t>> of_role;  // Sharing::scale: role → bijector
  for (const auto& layer : plan_.layers) {
    std::vector<Index> order(layer.index.size());
    for (Index b = 0; b < layer.blocks; ++b)
      for (Index c = 0; c < plan_.width; ++c)
        order[c * layer.blocks + b] = layer.index[b * plan_.width + c];
    element_major_.push_back(std::move(order));
    if (sharing_ == Sharing::scale) {
      auto known = std::find_if(of_role.begin(), of_role.end(),
                                [&](const auto& r) { return r.first == layer.role; });
      if (known == of_role.end()) {
        known = of_role.insert(of_role.end(), {layer.role, bijectors_.size()});
        add_bijector();
      }
      first_bijector_.push_back(known->second);
      continue;
    }
    first_bijector_.push_back(bijectors_.size());
    const Index count = sharing_ == Sharing::layer ? 1 : layer.blocks;
    for (Index k = 0; k < count; ++k) add_bijector();
  }
}

std::vector<Parameter*> Hierarchy::parameters() const {
  std::vector<Parameter*> out;
  for (const auto& ps : parameters_) out.insert(out.end(), ps.begin(), ps.end());
  return out;
}

Var Hierarchy::apply_layer(std::size_t l, Var x, Var& log_det, bool inverse) const {
  const LayerPlan& layer = plan_.layers[l];
  const Index batch = x.rows(), w = plan_.width;
  auto run = [&](std::size_t bijector, Var rows) {
    return apply_tiled(*bijectors_[bijector], parameters_[bijector], rows, inverse);
  };
  if (sharing_ != Sharing::block) {
    // Rows of `blocks` are (block b, sample s) at b·batch + s.
    const std::vector<Index>& order = element_major_[l];
    Var blocks = reshape(gather_cols(x, order), layer.blocks * batch, w);
    Transformed t = run(first_bijector_[l], blocks);
    log_det = add(log_det, row_sum(reshape(t.log_det, batch, layer.blocks)));
    return scatter_cols(x, reshape(t.value, batch, layer.blocks * w), order);
  }
  for (Index b = 0; b < layer.blocks; ++b) {
    const std::span<const Index> idx(layer.index.data() + b * w, static_cast<std::size_t>(w));
    Transformed t = run(first_bijector_[l] + static_cast<std::size_t>(b), gather_cols(x, idx));
    log_det = add(log_det, t.log_det);
    x = scatter_cols(x, t.value, idx);
  }
  return x;
}

Transformed Hierarchy::inverse(Var x) const {
  if (x.cols() != plan_.sites())
    throw std::invalid_argument(
        fmt::format("flow inverse: expected {} columns (sites), got {}", plan_.sites(), x.cols()));
  Var log_det = x.tape().filled(x.rows(), 1, 0);
  for (std::size_t l = 0; l < plan_.layers.size(); ++l) x = apply_layer(l, x, log_det, true);
  return {x, log_det};
}

Transformed Hierarchy::forward(Var z) const {
  if (z.cols() != plan_.sites())
    throw std::invalid_argument(
        fmt::format("flow forward: expected {} columns (sites), got {}", plan_.sites(), z.cols()));
  Var log_det = z.tape().filled(z.rows(), 1, 0);
  for (std::size_t l = plan_.layers.size(); l-- > 0;) z = apply_layer(l, z, log_det, false);
  return {z, log_det};
}

}  // namespace neuralrg
