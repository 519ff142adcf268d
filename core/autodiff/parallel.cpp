#include "autodiff/parallel.hpp"

namespace neuralrg {

void GradientReducer::prepare(std::span<Parameter* const> params, Index chunks) {
  chunks_ = chunks;
  if (static_cast<Index>(buffers_.size()) < chunks) buffers_.resize(chunks);
  for (Index c = 0; c < chunks; ++c) {
    auto& buffer = buffers_[c];
    buffer.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i)
      if (buffer[i].rows() != params[i]->value.rows() ||
          buffer[i].cols() != params[i]->value.cols())
        buffer[i].resize(params[i]->value.rows(), params[i]->value.cols());
  }
}

void GradientReducer::collect(Index chunk, const Tape& tape, std::span<Parameter* const> params) {
  auto& buffer = buffers_[chunk];
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (auto g = tape.param_grad(*params[i]))
      buffer[i] = *g;
    else
      buffer[i].setZero();
  }
}

void GradientReducer::reduce(std::span<Parameter* const> params) const {
  for (std::size_t i = 0; i < params.size(); ++i) {
    Matrix& grad = params[i]->grad;
    if (grad.rows() != params[i]->value.rows() || grad.cols() != params[i]->value.cols())
      grad.resize(params[i]->value.rows(), params[i]->value.cols());
    grad.setZero();
    for (Index c = 0; c < chunks_; ++c) grad += buffers_[c][i];
  }
}

}  // namespace neuralrg
