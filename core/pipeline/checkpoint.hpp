// Checkpoints: parameters, optimizer state and progress, written atomically.
//
// Format (readable from Python without this library): a text header, then raw data.
//   NEURALRG-CHECKPOINT 1
//   epoch <completed epochs>
//   seed <pipeline seed>
//   scalar double|float                      (the build's precision; the other converts on reading)
//   tensor <group> <name> <rows> <cols>      (one line per tensor, group = param|optimizer)
//   checksum fnv1a64 <16 hex digits>         (FNV-1a 64 of every byte of the file but this line)
//   end
//   <the tensors' values in header order, each column-major, little-endian; nothing after them>
// Files written before the checksum line existed are still read (without that check); every other
// field is validated, and the data must be exactly as long as the header declares.
// Random streams are keyed by (seed, stream, epoch, chunk), so seed and epoch are the whole RNG
// state: a resumed run draws exactly the numbers the uninterrupted run would have drawn.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "neuralrg/optimizer.hpp"

namespace neuralrg {

struct Checkpoint {
  std::int64_t epoch = 0;  ///< Completed epochs.
  std::uint64_t seed = 0;
  std::vector<NamedMatrix> parameters;
  std::vector<NamedMatrix> optimizer;
};

/// Throws WriteError naming the file when it cannot be written completely.
void write_checkpoint(const std::filesystem::path& file, const Checkpoint& checkpoint);
/// Throws std::runtime_error naming the file and what is wrong with it.
Checkpoint read_checkpoint(const std::filesystem::path& file);
/// The bytes write_checkpoint writes, and their reading (`source` names them in errors): how a
/// checkpoint travels between ranks.
std::string encode_checkpoint(const Checkpoint& checkpoint);
Checkpoint decode_checkpoint(const std::string& bytes, const std::string& source);

/// FNV-1a 64 of `bytes`, continuing from `hash`.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL);

/// Parameters in a fixed order, as checkpoint tensors.
std::vector<NamedMatrix> snapshot(const std::vector<Parameter*>& params);
/// Restores parameters from checkpoint tensors; names and shapes must match exactly.
void restore(const std::vector<Parameter*>& params, const std::vector<NamedMatrix>& saved,
             const std::filesystem::path& source);

}  // namespace neuralrg
