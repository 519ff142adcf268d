#include "autodiff/arena.hpp"

#include <algorithm>
#include <new>

namespace neuralrg {

void* Arena::allocate_slow(std::size_t bytes, std::size_t align) {
  while (true) {
    for (; current_ < blocks_.size(); ++current_, offset_ = 0) {
      const std::size_t start = (offset_ + align - 1) / align * align;
      if (start + bytes <= blocks_[current_].size) {
        offset_ = start + bytes;
        used_ += bytes;
        return blocks_[current_].data.get() + start;
      }
    }
    const std::size_t last = blocks_.empty() ? 0 : blocks_.back().size;
    const std::size_t size = std::max({bytes + align, kMinBlock, 2 * last});
    auto* memory = static_cast<std::byte*>(::operator new[](size, std::align_val_t{kAlign}));
    blocks_.push_back(Block{std::unique_ptr<std::byte[], Block::Free>(memory), size});
    current_ = blocks_.size() - 1;
    offset_ = 0;
  }
}

}  // namespace neuralrg
