// Crash-safe file writes: a reader sees either the old file or the complete new one.
#pragma once

#include <filesystem>
#include <string_view>

namespace neuralrg {

/// Writes `content` to a temporary file beside `path`, fsyncs it, renames it over `path` and
/// fsyncs the directory. Throws std::runtime_error naming the file on any failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace neuralrg
