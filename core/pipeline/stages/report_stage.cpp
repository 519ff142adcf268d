#include "pipeline/stages/report_stage.hpp"

#include <fmt/format.h>

#include "report/run_report.hpp"

namespace neuralrg {

void run_report_stage(RunContext& context, const StageSpec& stage, std::size_t index) {
  const std::string& title = stage.params.text("title");
  const int figures =
      report::write_run_report(context.dir, title.empty() ? context.spec.name : title);
  fmt::print("stage {} (report): {} with {} figures\n", index,
             (context.dir / "report.html").string(), figures);
}

}  // namespace neuralrg
