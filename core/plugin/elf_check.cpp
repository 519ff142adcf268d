#include "plugin/elf_check.hpp"

#include <elf.h>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

#if defined(__x86_64__)
constexpr int kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kMachine = EM_AARCH64;
#else
constexpr int kMachine = -1;  // not checked
#endif

bool within(std::uint64_t offset, std::uint64_t length, std::uint64_t size) {
  return offset <= size && length <= size - offset;
}

std::string segments_problem(std::ifstream& in, const Elf64_Ehdr& header, std::uint64_t size) {
  if (header.e_phentsize != sizeof(Elf64_Phdr) ||
      !within(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr), size))
    return "damaged ELF program headers (the file is truncated?)";
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  in.seekg(static_cast<std::streamoff>(header.e_phoff));
  if (!in.read(reinterpret_cast<char*>(segments.data()),
               static_cast<std::streamsize>(segments.size() * sizeof(Elf64_Phdr))))
    return "cannot be read";
  for (const auto& segment : segments)
    if (segment.p_type == PT_LOAD && !within(segment.p_offset, segment.p_filesz, size))
      return fmt::format("truncated: a segment ends at byte {}, the file has {}",
                         segment.p_offset + segment.p_filesz, size);
  return {};
}

}  // namespace

std::string elf_problem(const fs::path& file) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) return "cannot be read";
  Elf64_Ehdr header{};
  in.read(reinterpret_cast<char*>(&header), sizeof header);
  if (!in || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return "not a shared library (no ELF header)";
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB ||
      (kMachine >= 0 && header.e_machine != kMachine))
    return "an ELF file for another kind of machine";
  if (header.e_type != ET_DYN) return "an ELF file but not a shared library (an executable?)";
  if (header.e_shoff != 0 &&
      !within(header.e_shoff, std::uint64_t{header.e_shnum} * header.e_shentsize, size))
    return "truncated: its section headers lie beyond the end of the file";
  return segments_problem(in, header, size);
}

}  // namespace neuralrg
