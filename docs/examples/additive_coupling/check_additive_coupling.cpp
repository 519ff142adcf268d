// The SDK's conformance kit on the additive coupling block: round trips, log-dets against the
// numerical Jacobian, input and parameter gradients against finite differences.
#include <neuralrg/testing.hpp>

#include <cstdio>

#include "additive_coupling.hpp"

int main() {
  int failures = 0;
  for (neuralrg::Index width : {2, 4}) {
    additive::AdditiveCoupling block(width, 3, 8, 42);
    // A block that starts as the identity would pass trivially: the kit says so in `warning`,
    // and testing::perturb(block.parameters(), 0.1) is the remedy.
    const auto report = neuralrg::testing::check_bijector(block);
    if (!report.warning.empty()) std::printf("warning: %s\n", report.warning.c_str());
    std::printf("%s width %ld: %s (largest error %.2e)\n", report.ok ? "ok  " : "FAIL",
                static_cast<long>(width), report.ok ? "conforms" : report.message.c_str(),
                report.max_error);
    failures += !report.ok;
  }
  return failures == 0 ? 0 : 1;
}
