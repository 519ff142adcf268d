// A bump allocator rewound between steps: after the first step, the same sequence of requests
// fits in the blocks it already holds, so a warm tape never touches the heap.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace neuralrg {

class Arena {
 public:
  /// `align` must be a power of two; at least 16 is given.
  void* allocate(std::size_t bytes, std::size_t align) {
    align = align < 16 ? 16 : align;
    // Inline fast path: a tile of a flow layer makes hundreds of small requests.
    if (current_ < blocks_.size()) {
      const std::size_t start = (offset_ + align - 1) & ~(align - 1);
      if (start + bytes <= blocks_[current_].size) {
        offset_ = start + bytes;
        used_ += bytes;
        return blocks_[current_].data.get() + start;
      }
    }
    return allocate_slow(bytes, align);
  }
  /// A point to rewind to: later allocations are forgotten, earlier ones kept.
  struct Mark {
    std::size_t current, offset, used;
  };
  Mark mark() const { return {current_, offset_, used_}; }
  void rewind(Mark m) {
    current_ = m.current;
    offset_ = m.offset;
    used_ = m.used;
  }
  /// Forgets every allocation; blocks are kept.
  void reset() {
    current_ = 0;
    offset_ = 0;
    used_ = 0;
  }
  std::size_t blocks() const { return blocks_.size(); }
  std::size_t bytes_used() const { return used_; }

 private:
  void* allocate_slow(std::size_t bytes, std::size_t align);

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
