// Checks a plugin file before the dynamic loader maps it: the loader trusts the ELF headers, so a
// truncated library (a copy interrupted, a full disk) makes it touch pages past the end of the file
// and the process dies with SIGBUS instead of reporting an error.
#pragma once

#include <filesystem>
#include <string>

namespace neuralrg {

/// Empty if `file` is a complete shared library for this machine (its headers and every loadable
/// segment lie within the file); otherwise what is wrong, for a message.
std::string elf_problem(const std::filesystem::path& file);

}  // namespace neuralrg
