// The neuralrg command line.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "distributed/communicator.hpp"
#include "neuralrg/types.hpp"
#include "neuralrg/version.hpp"
#include "util/isa.hpp"

namespace {

using namespace neuralrg::cli;

CLI::App* add_run_command(CLI::App& app, PipelineOptions& pipeline) {
  CLI::App* run = app.add_subcommand("run", "Run a pipeline into a run directory");
  run->add_option("pipeline", pipeline.pipeline,
                  "Pipeline YAML file (optional with --resume: then the run's own config is used)");
  run->add_option("--resume", pipeline.resume,
                  "Continue an interrupted run directory from its last checkpoint");
  run->add_flag("--allow-config-change", pipeline.allow_config_change,
                "With --resume and a pipeline: accept keys that differ from the run's config");
  run->add_option("--set", pipeline.overrides, "Override a key: --set flow.depth=2");
  run->add_option("--out", pipeline.out, "Run directory (default runs/<name>-<time>)");
  run->add_option("--threads", pipeline.threads,
                  "Worker threads (default: all cores; with variants: per variant)")
      ->check(CLI::PositiveNumber);
  run->add_option("--variant", pipeline.variant,
                  "Run only this variant into the run directory --out (e.g. one job of a SLURM "
                  "array per variant); the last to finish writes the comparison");
  run->add_option("--jobs", pipeline.jobs,
                  "Variants run at once, each as its own process (default 1)")
      ->check(CLI::PositiveNumber);
  return run;
}

CLI::App* add_exact_command(CLI::App& app, ExactOptions& exact_options) {
  auto* exact = app.add_subcommand("exact", "Exact reference values");
  exact->require_subcommand(1);
  auto* ising =
      exact->add_subcommand("ising", "Exact free energies of the 2D Ising model and its dual");
  ising->add_option("--L", exact_options.L, "Linear size of the periodic L×L lattice")
      ->check(CLI::Range(3, 8192));  // the work grows as L²: ~2 s at the top
  ising->add_option("--beta", exact_options.beta, "Inverse temperature, or critical");
  ising->add_option("--offset", exact_options.offset, "Dual offset a, or auto (0.1 − λ_min)");
  ising->add_flag("--json", exact_options.json, "Print JSON");
  return ising;
}

// Every subcommand's options and whether it was the one given.
struct CommandLine {
  GlobalOptions global;
  PipelineOptions pipeline;
  ExactOptions exact;
  bool plugins_json = false;
  std::string describe;
  std::filesystem::path report_dir;
  std::vector<std::filesystem::path> compared;
  std::filesystem::path compare_out;
  bool pipelines_reference = false;
  bool json_schema = false;
  EvaluateOptions evaluate;
  CLI::App *plugins = nullptr, *validate = nullptr, *run = nullptr, *report = nullptr,
           *compare = nullptr, *docs = nullptr, *ising = nullptr, *evaluate_command = nullptr;
};

void add_inspection_commands(CLI::App& app, CommandLine& c) {
  c.report = app.add_subcommand("report", "Write RUN_DIR/report.html from a run's outputs");
  c.report->add_option("run_dir", c.report_dir, "Run directory")->required();
  c.compare = app.add_subcommand(
      "compare", "Compare finished runs side by side (repeats over seeds averaged) into --out DIR");
  c.compare->add_option("runs", c.compared, "Run directories")
      ->required()
      ->check(CLI::ExistingDirectory);
  c.compare->add_option("--out", c.compare_out, "Directory for comparison.csv and comparison.html")
      ->required();
  c.evaluate_command = app.add_subcommand(
      "evaluate",
      "A trained flow's bound and ESS, on its own lattice or (--set target.L=…) another");
  c.evaluate_command->add_option("run_dir", c.evaluate.run_dir, "Run directory")->required();
  c.evaluate_command->add_option("--set", c.evaluate.overrides,
                                 "Override a key of the run's config: --set target.L=32");
  c.evaluate_command->add_option("--samples", c.evaluate.samples, "Flow samples (default 4096)")
      ->check(CLI::Range(16LL, 1LL << 22));
  c.evaluate_command->add_option("--threads", c.evaluate.threads, "Worker threads")
      ->check(CLI::PositiveNumber);
  c.evaluate_command->add_flag("--json", c.evaluate.json, "Print JSON");
  c.docs = app.add_subcommand("docs", "Print generated documentation");
  auto* reference_flag = c.docs->add_flag("--pipelines", c.pipelines_reference,
                                          "The YAML pipeline reference (docs/pipelines.md)");
  auto* schema_flag = c.docs->add_flag(
      "--json-schema", c.json_schema,
      "The pipeline format as a JSON Schema, for editors (docs/pipeline.schema.json)");
  reference_flag->excludes(schema_flag);
  c.docs->require_option(1);
}

void add_commands(CLI::App& app, CommandLine& c) {
  app.add_option("--plugin-path", c.global.plugin_path,
                 "Folder (or library file) searched for plugins after the built-in ones and "
                 "before $NEURALRG_PLUGIN_PATH; repeatable");
  c.plugins = app.add_subcommand("plugins", "List the loaded plugins, or describe one");
  c.plugins->add_flag("--json", c.plugins_json,
                      "Print the list (or the --describe output) as JSON");
  c.plugins->add_option("--describe", c.describe,
                        "Show a plugin's parameters: types, defaults, docs");
  c.validate = app.add_subcommand("validate", "Check a pipeline without running it");
  c.validate->add_option("pipeline", c.pipeline.pipeline, "Pipeline YAML file")->required();
  c.validate->add_option("--set", c.pipeline.overrides, "Override a key: --set flow.depth=2");
  c.run = add_run_command(app, c.pipeline);
  add_inspection_commands(app, c);
  c.ising = add_exact_command(app, c.exact);
}

int dispatch(const CommandLine& c) {
  if (c.ising->parsed()) return exact_ising(c.exact);
  if (c.report->parsed()) return report_run(c.global, c.report_dir);
  if (c.evaluate_command->parsed()) return evaluate_run(c.global, c.evaluate);
  if (c.compare->parsed()) return compare_runs(c.compared, c.compare_out);
  if (c.docs->parsed())
    return c.json_schema ? pipeline_schema_json(c.global) : pipeline_reference(c.global);
  if (c.plugins->parsed())
    return c.describe.empty() ? list_plugins(c.global, c.plugins_json)
                              : describe_plugin(c.global, c.describe, c.plugins_json);
  if (c.validate->parsed()) return validate_pipeline(c.global, c.pipeline);
  if (c.run->parsed()) {
    if (c.pipeline.pipeline.empty() && c.pipeline.resume.empty()) {
      fmt::print(stderr, "error: run needs a pipeline file or --resume RUN_DIR\n");
      return kExitInvalidInput;
    }
    return run_pipeline(c.global, c.pipeline);
  }
  return kExitInvalidInput;
}

}  // namespace

int main(int argc, char** argv) {
  const neuralrg::MpiSession mpi(argc, argv);
  try {
    neuralrg::apply_requested_isa_level(argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitInvalidInput;
  }
  CLI::App app{"NeuralRG: hierarchical normalizing flows for the renormalization group"};
  app.set_version_flag("--version",
                       fmt::format("neuralrg {} (plugin API {}, ABI {})\nkernels: {} (this CPU: "
                                   "{}; ${} selects a lower level)",
                                   NEURALRG_VERSION_STRING, NEURALRG_API_VERSION, NEURALRG_ABI_TAG,
                                   neuralrg::isa_level(), neuralrg::cpu_isa_level(),
                                   neuralrg::kIsaEnvironmentVariable));
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --plugin-path may follow the subcommand
  CommandLine command_line;
  command_line.global.command_line.assign(argv, argv + argc);
  add_commands(app, command_line);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; every malformed command line is invalid input (2),
    // not one of CLI11's own codes (105, 106, ...), as docs/failure-and-recovery.md promises.
    return app.exit(e) == 0 ? 0 : kExitInvalidInput;
  }
  return dispatch(command_line);
}
