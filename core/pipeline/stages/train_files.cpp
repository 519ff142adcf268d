#include "pipeline/stages/train_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

std::string stage_suffix(std::size_t index) {
  return index == 0 ? std::string() : fmt::format("-stage{}", index);
}

}  // namespace

fs::path train_metrics_file(const fs::path& run, std::size_t index) {
  return run / fmt::format("metrics{}.csv", stage_suffix(index));
}

fs::path train_checkpoint_dir(const fs::path& run, std::size_t index) {
  return run / fmt::format("checkpoints{}", stage_suffix(index));
}

fs::path train_checkpoint_file(const fs::path& dir, long long epoch) {
  return dir / fmt::format("epoch-{:08d}.ckpt", epoch);
}

long long train_checkpoint_epoch(const fs::path& file) {
  const std::string name = file.filename().string();
  if (!name.starts_with("epoch-") || !name.ends_with(".ckpt")) return -1;
  const char* first = name.data() + 6;
  const char* last = name.data() + name.size() - 5;
  long long epoch = -1;
  const auto [end, error] = std::from_chars(first, last, epoch);
  return error == std::errc{} && end == last ? epoch : -1;
}

std::vector<fs::path> train_checkpoints(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".ckpt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

long long newest_checkpointed_epoch(const fs::path& run, std::size_t index) {
  long long newest = 0;
  for (const fs::path& file : train_checkpoints(train_checkpoint_dir(run, index)))
    newest = std::max(newest, train_checkpoint_epoch(file));
  return newest;
}

}  // namespace neuralrg
