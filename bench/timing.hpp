// Repeated timing with medians: benchmarks report median, min and max of several repetitions.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace neuralrg::bench {

struct Timing {
  double median, min, max;  // seconds
};

inline Timing summarize(std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), seconds.back()};
}

template <class F>
double seconds_of(F&& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Times `body` `repetitions` times after one warm-up call (first touch of memory, arenas, pools).
template <class F>
Timing time_repeated(int repetitions, F&& body) {
  body();
  std::vector<double> seconds;
  for (int i = 0; i < repetitions; ++i) seconds.push_back(seconds_of(body));
  return summarize(seconds);
}

/// Times `a` and `b` alternately, so that machine noise hits both alike.
template <class A, class B>
std::pair<Timing, Timing> time_interleaved(int repetitions, A&& a, B&& b) {
  a();
  b();
  std::vector<double> ta, tb;
  for (int i = 0; i < repetitions; ++i) {
    ta.push_back(seconds_of(a));
    tb.push_back(seconds_of(b));
  }
  return {summarize(ta), summarize(tb)};
}

}  // namespace neuralrg::bench
