// Repeated timing with medians: benchmarks report median, min and max of several repetitions.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace neuralrg::bench {

struct Timing {
  double median, min, max;  // seconds
};

template <class F>
Timing time_repeated(int repetitions, F&& body) {
  body();  // warm-up: first-touch of memory, arenas, thread pools
  std::vector<double> seconds;
  for (int i = 0; i < repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    body();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), seconds.back()};
}

inline Timing summarize(std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), seconds.back()};
}

/// Times `a` and `b` alternately, so that machine noise hits both alike.
template <class A, class B>
std::pair<Timing, Timing> time_interleaved(int repetitions, A&& a, B&& b) {
  a();
  b();
  std::vector<double> ta, tb;
  auto once = [](auto& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int i = 0; i < repetitions; ++i) {
    ta.push_back(once(a));
    tb.push_back(once(b));
  }
  return {summarize(ta), summarize(tb)};
}

}  // namespace neuralrg::bench
