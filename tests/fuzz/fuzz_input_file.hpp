// The readers under test take paths, so each input is written to a per-process scratch file.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace neuralrg::fuzz {

inline std::filesystem::path write_input(std::string_view bytes, const std::string& extension) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("neuralrg-fuzz-" + std::to_string(::getpid()) + extension);
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return file;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace neuralrg::fuzz
