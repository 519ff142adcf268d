// A bump allocator rewound between steps: after the first step, the same sequence of requests
// fits in the blocks it already holds, so a warm tape never touches the heap.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace neuralrg {

class Arena {
 public:
  void* allocate(std::size_t bytes, std::size_t align);
  /// Forgets every allocation; blocks are kept.
  void reset() {
    current_ = 0;
    offset_ = 0;
    used_ = 0;
  }
  std::size_t blocks() const { return blocks_.size(); }
  std::size_t bytes_used() const { return used_; }

 private:
  static constexpr std::size_t kAlign = 64;
  static constexpr std::size_t kMinBlock = std::size_t{1} << 20;
  struct Block {
    struct Free {
      void operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t{kAlign}); }
    };
    std::unique_ptr<std::byte[], Free> data;
    std::size_t size;
  };
  std::vector<Block> blocks_;
  std::size_t current_ = 0;
  std::size_t offset_ = 0;
  std::size_t used_ = 0;
};

}  // namespace neuralrg
