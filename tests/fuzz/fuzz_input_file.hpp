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

/// The input's bytes in a scratch file, removed when this goes out of scope.
class ScratchFile {
 public:
  ScratchFile(std::string_view bytes, const std::string& extension)
      : path_(std::filesystem::temp_directory_path() /
              ("neuralrg-fuzz-" + std::to_string(::getpid()) + extension)) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace neuralrg::fuzz
