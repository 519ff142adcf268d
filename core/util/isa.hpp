// Which instruction-set level this process runs at, and how to ask for a lower one.
//
// The core library and the plugins are built once per level (sdk/cmake/NeuralRGIsa.cmake); the
// dynamic loader picks the core's copy for the CPU, the plugin host picks the matching plugin
// copies.
#pragma once

#include <filesystem>
#include <string_view>

namespace neuralrg {

/// The level the loaded core library was compiled for: "x86-64" (portable baseline),
/// "x86-64-v3" (AVX2 + FMA), "x86-64-v4" (AVX-512), or "native" for a -march=native build.
std::string_view isa_level();

/// The highest of those levels this CPU supports.
std::string_view cpu_isa_level();

/// The environment variable that forces a lower level (for tests and bug reports).
inline constexpr const char* kIsaEnvironmentVariable = "NEURALRG_ISA";

/// Honours $NEURALRG_ISA: when it names a level below the running one, re-executes this program
/// with glibc told to hide the CPU features above it, so the loader picks that level's copies.
/// Returns normally when nothing needs to change; throws std::runtime_error for an unknown or
/// unsupported level. Call first thing in main().
void apply_requested_isa_level(char** argv);

/// The copy of plugin `library` built for the running level (glibc-hwcaps/<level>/ beside it), or
/// the highest lower level's copy, or `library` itself when there is none.
std::filesystem::path isa_copy_of(const std::filesystem::path& library);

/// The level a library found by isa_copy_of() was compiled for.
std::string_view isa_level_of(const std::filesystem::path& library);

}  // namespace neuralrg
