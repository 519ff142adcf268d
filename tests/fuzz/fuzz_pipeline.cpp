// Fuzz target: bytes up to the first NUL are a pipeline file, the rest one --set override; the
// whole validation of `neuralrg validate` runs on them. A ConfigError is the expected refusal of
// bad input; anything else escaping (or a crash, or unbounded memory) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_input_file.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/preflight.hpp"
#include "plugin/plugin_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = neuralrg::fuzz::as_text(data, size);
  const std::size_t nul = bytes.find('\0');
  std::vector<std::string> overrides;
  if (nul != std::string_view::npos) overrides.emplace_back(bytes.substr(nul + 1));
  const neuralrg::fuzz::ScratchFile file(bytes.substr(0, nul), ".yaml");
  const neuralrg::PluginRegistry& registry = neuralrg::global_registry();
  try {
    const neuralrg::PipelineSpec spec = neuralrg::load_pipeline(file.path(), overrides, registry);
    neuralrg::check_runnable(spec, registry);
  } catch (const neuralrg::ConfigError&) {
  }
  return 0;
}
