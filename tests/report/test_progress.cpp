#include "report/progress.hpp"

#include <doctest/doctest.h>

TEST_CASE("durations round once, to their last unit") {
  using neuralrg::format_duration;
  CHECK(format_duration(0.4) == "0s");
  CHECK(format_duration(59.4) == "59s");
  CHECK(format_duration(59.6) == "1m00s");
  CHECK(format_duration(760) == "12m40s");    // not 13m40s (minutes rounded up)
  CHECK(format_duration(779.6) == "13m00s");  // not 12m60s (seconds rounded apart)
  CHECK(format_duration(3599.7) == "1h00m");
  CHECK(format_duration(3 * 3600 + 7 * 60 + 29) == "3h07m");
  CHECK(format_duration(3 * 3600 + 59 * 60 + 31) == "4h00m");
  CHECK(format_duration(-1) == "?");
}
