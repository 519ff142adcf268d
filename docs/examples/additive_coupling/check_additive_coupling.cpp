// The SDK's conformance kit on the additive coupling block: round trips, log-dets against the
// numerical Jacobian, input and parameter gradients against finite differences.
#include <neuralrg/testing.hpp>

#include <cstdio>

#include "additive_coupling.hpp"

int main() {
  int failures = 0;
  for (neuralrg::Index width : {2, 4}) {
    additive::AdditiveCoupling block(width, 3, 8, 42);
    const auto report = neuralrg::testing::check_bijector(block);
    std::printf("%s width %ld: %s (largest error %.2e)\n", report.ok ? "ok  " : "FAIL",
                static_cast<long>(width), report.ok ? "conforms" : report.message.c_str(),
                report.max_error);
    failures += !report.ok;
  }
  return failures == 0 ? 0 : 1;
}
