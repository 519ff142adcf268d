#include "flow/chain_bijector.hpp"

#include <stdexcept>
#include <string>

namespace neuralrg {

ChainBijector::ChainBijector(std::vector<std::unique_ptr<Bijector>> blocks)
    : blocks_(std::move(blocks)) {
  if (blocks_.empty()) throw std::invalid_argument("a chain of blocks needs at least one block");
  for (std::size_t k = 0; k < blocks_.size(); ++k) {
    if (blocks_[k]->width() != blocks_.front()->width())
      throw std::invalid_argument("block " + std::to_string(k) + " of the chain has width " +
                                  std::to_string(blocks_[k]->width()) + ", block 0 has " +
                                  std::to_string(blocks_.front()->width()));
    if (k > 0)
      for (Parameter* p : blocks_[k]->parameters())
        p->name = "block" + std::to_string(k) + "." + p->name;
  }
}

std::vector<Parameter*> ChainBijector::parameters() {
  std::vector<Parameter*> out;
  for (auto& b : blocks_)
    for (Parameter* p : b->parameters()) out.push_back(p);
  return out;
}

Transformed ChainBijector::do_forward(Var z) const {
  Transformed t = blocks_.front()->forward(z);
  for (std::size_t k = 1; k < blocks_.size(); ++k) {
    const Transformed next = blocks_[k]->forward(t.value);
    t = {next.value, add(t.log_det, next.log_det)};
  }
  return t;
}

Transformed ChainBijector::do_inverse(Var x) const {
  Transformed t = blocks_.back()->inverse(x);
  for (std::size_t k = blocks_.size() - 1; k-- > 0;) {
    const Transformed next = blocks_[k]->inverse(t.value);
    t = {next.value, add(t.log_det, next.log_det)};
  }
  return t;
}

}  // namespace neuralrg
