#include "util/isa.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

// The levels built by NeuralRGIsa.cmake, low to high, each with the glibc tunable that hides the
// CPU features of every level above it (glibc then picks no copy above it, NeuralRG the same).
struct Level {
  std::string_view name;
  std::string_view hide_higher;
};
constexpr std::array<Level, 3> kLevels{{
    {"x86-64", "-AVX2"},
    {"x86-64-v3", "-AVX512F"},
    {"x86-64-v4", ""},
}};

int level_rank(std::string_view name) {
  for (std::size_t i = 0; i < kLevels.size(); ++i)
    if (kLevels[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string level_names() {
  std::string names;
  for (const auto& level : kLevels) names += (names.empty() ? "" : ", ") + std::string(level.name);
  return names;
}

[[noreturn]] void reexecute_with_hidden_features(char** argv, std::string_view hide) {
  std::string tunables = fmt::format("glibc.cpu.hwcaps={}", hide);
  if (const char* existing = std::getenv("GLIBC_TUNABLES"); existing && *existing)
    tunables = fmt::format("{}:{}", existing, tunables);
  ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
  ::setenv("NEURALRG_ISA_REEXECUTED", "1", 1);
  ::execv("/proc/self/exe", argv);
  throw std::runtime_error(fmt::format("{}: cannot re-execute this program to change level: {}",
                                       kIsaEnvironmentVariable, std::strerror(errno)));
}

}  // namespace

std::string_view isa_level() {
  return NEURALRG_ISA_LEVEL;
}

std::string_view cpu_isa_level() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool v3 = __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
                  __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
                  __builtin_cpu_supports("bmi2");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                  __builtin_cpu_supports("avx512vl");
  return v4 ? "x86-64-v4" : v3 ? "x86-64-v3" : "x86-64";
#else
  return NEURALRG_ISA_LEVEL;
#endif
}

void apply_requested_isa_level(char** argv) {
  const char* requested = std::getenv(kIsaEnvironmentVariable);
  if (requested == nullptr || *requested == '\0') return;
  const int wanted = level_rank(requested);
  if (wanted < 0)
    throw std::runtime_error(fmt::format("{}={}: expected one of {}", kIsaEnvironmentVariable,
                                         requested, level_names()));
  const int running = level_rank(isa_level());
  if (running < 0)
    throw std::runtime_error(
        fmt::format("{}={}: this build is compiled for '{}' only (NEURALRG_NATIVE); rebuild with "
                    "NEURALRG_ISA_LEVELS to choose a level",
                    kIsaEnvironmentVariable, requested, isa_level()));
  if (wanted > level_rank(cpu_isa_level()))
    throw std::runtime_error(fmt::format("{}={}: this CPU supports up to {}",
                                         kIsaEnvironmentVariable, requested, cpu_isa_level()));
  if (wanted == running) return;
  if (wanted < running && std::getenv("NEURALRG_ISA_REEXECUTED") == nullptr)
    reexecute_with_hidden_features(argv, kLevels[wanted].hide_higher);
  throw std::runtime_error(
      fmt::format("{}={}: running at {} instead (this build has no {} copy of libneuralrg, or "
                  "glibc ignored GLIBC_TUNABLES)",
                  kIsaEnvironmentVariable, requested, isa_level(), requested));
}

fs::path isa_copy_of(const fs::path& library) {
  for (int rank = level_rank(isa_level()); rank > 0; --rank) {
    const fs::path copy =
        library.parent_path() / "glibc-hwcaps" / kLevels[rank].name / library.filename();
    std::error_code ec;
    if (fs::is_regular_file(copy, ec)) return copy;
  }
  return library;
}

std::string_view isa_level_of(const fs::path& library) {
  const fs::path folder = library.parent_path();
  if (folder.parent_path().filename() == "glibc-hwcaps") {
    const int rank = level_rank(folder.filename().string());
    if (rank >= 0) return kLevels[rank].name;
  }
  return NEURALRG_BASE_ISA;
}

}  // namespace neuralrg
