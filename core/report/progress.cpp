#include "report/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace neuralrg {
std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  // Whole units, rounded once: rounding minutes and seconds apart printed 13m40s for 12m40s and
  // 12m60s for 12m59.6s.
  const auto s = std::llround(std::min(seconds, 1e12));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  const auto m = (s + 30) / 60;
  return fmt::format("{}h{:02}m", m / 60, m % 60);
}

Progress::Progress(std::string label, long long total, long long done)
    : label_(std::move(label)),
      total_(total),
      start_done_(done),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::update(long long done, const std::string& status) {
  const auto now = std::chrono::steady_clock::now();
  const double since_print = std::chrono::duration<double>(now - last_print_).count();
  // A terminal refreshes a few times a second; a log gets a line every ~10 s or at the end.
  const bool due = terminal_ ? since_print >= 0.2 : since_print >= 10;
  if (!due && done != total_) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? (done - start_done_) / elapsed : 0;
  const double eta = rate > 0 ? (total_ - done) / rate : 0;
  const std::string text = fmt::format("{} {}/{} {} | {:.1f}/s, ETA {}", label_, done, total_,
                                       status, rate, format_duration(eta));
  if (terminal_)
    fmt::print(stderr, "\r\033[K{}", text);
  else
    fmt::print(stderr, "{}\n", text);
  std::fflush(stderr);
}

void Progress::finish(const std::string& status) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (terminal_) fmt::print(stderr, "\r\033[K");
  fmt::print(stderr, "{} done: {} ({})\n", label_, status, format_duration(elapsed));
}

}  // namespace neuralrg
