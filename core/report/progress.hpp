// A progress line: rewritten in place with rate and ETA on a terminal, plain periodic lines
// otherwise (logs stay readable).
#pragma once

#include <chrono>
#include <string>

namespace neuralrg {

/// "42s", "12m05s" or "3h07m": a duration rounded to its last unit.
std::string format_duration(double seconds);

class Progress {
 public:
  /// `done` of `total` units are already complete (e.g. after a resume).
  Progress(std::string label, long long total, long long done);
  /// Reports `done` units complete with a short status text.
  void update(long long done, const std::string& status);
  /// Ends the line.
  void finish(const std::string& status);

 private:
  std::string label_;
  long long total_, start_done_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_print_;
};

}  // namespace neuralrg
