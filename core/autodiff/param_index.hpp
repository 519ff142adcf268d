// Parameter → leaf node lookup for one tape: open addressing with generation stamps, so a reset
// is O(1) and a warm tape neither allocates nor scans (a flow has ~10³ parameter tensors, looked
// up on every pass and again when gradients are collected).
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "neuralrg/autodiff.hpp"

namespace neuralrg {

class ParamIndex {
 public:
  /// The node recorded for `p` since the last clear(), or nullptr.
  Node* find(const Parameter* p) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = start(p);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.generation != generation_) return nullptr;
      if (s.key == p) return s.node;
    }
  }
  void insert(const Parameter* p, Node* node) {
    order_.push_back({p, node});
    place(p, node);
  }
  /// Entries in insertion order.
  std::size_t size() const { return order_.size(); }
  /// Forgets the entries inserted after the first `n`.
  void truncate(std::size_t n) {
    if (n >= order_.size()) return;
    order_.resize(n);
    ++generation_;
    used_ = 0;
    for (const auto& [p, node] : order_) place(p, node);
  }
  void clear() {
    order_.clear();
    ++generation_;
    used_ = 0;
  }

 private:
  struct Slot {
    const Parameter* key = nullptr;
    Node* node = nullptr;
    std::uint64_t generation = 0;
  };
  void place(const Parameter* p, Node* node) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    for (std::size_t i = start(p);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.generation != generation_) {
        s = {p, node, generation_};
        ++used_;
        return;
      }
    }
  }
  std::size_t start(const Parameter* p) const {
    return std::hash<const Parameter*>{}(p)*0x9e3779b97f4a7c15ull >> 7 & (slots_.size() - 1);
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : 2 * old.size(), Slot{});
    used_ = 0;
    for (const Slot& s : old)
      if (s.generation == generation_) place(s.key, s.node);
  }
  std::vector<Slot> slots_;
  std::vector<std::pair<const Parameter*, Node*>> order_;
  std::size_t used_ = 0;
  std::uint64_t generation_ = 1;  // slots start at generation 0: empty
};

}  // namespace neuralrg
