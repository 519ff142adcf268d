#include "distributed/gradient_reducer.hpp"

#include <algorithm>

#include "distributed/tree_sum.hpp"

namespace neuralrg {

void GradientReducer::prepare(std::span<Parameter* const> params, Index chunks,
                              const Communicator& comm) {
  comm_ = &comm;
  chunks_ = chunks;
  owned_ = comm.owned(chunks);
  width_ = 0;
  for (const Parameter* p : params) width_ += static_cast<std::size_t>(p->value.size());
  buffers_.resize(static_cast<std::size_t>(owned_.size()));
  for (auto& buffer : buffers_) buffer.resize(width_);
}

void GradientReducer::collect(Index chunk, const Tape& tape, std::span<Parameter* const> params) {
  Scalar* out = buffers_[static_cast<std::size_t>(chunk - owned_.begin)].data();
  for (const Parameter* p : params) {
    const auto n = static_cast<std::size_t>(p->value.size());
    if (auto g = tape.param_grad(*p))
      std::copy_n(g->data(), n, out);
    else
      std::fill_n(out, n, Scalar(0));
    out += n;
  }
}

void GradientReducer::reduce(std::span<Parameter* const> params) {
  tree_sum(*comm_, chunks_, width_, buffers_, total_, incoming_);
  const Scalar* in = total_.data();
  for (Parameter* p : params) {
    p->grad.resize(p->value.rows(), p->value.cols());
    std::copy_n(in, p->grad.size(), p->grad.data());
    in += p->grad.size();
  }
}

}  // namespace neuralrg
