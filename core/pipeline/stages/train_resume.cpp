#include "pipeline/stages/train_resume.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "pipeline/checkpoint.hpp"
#include "pipeline/stages/train_files.hpp"
#include "util/atomic_file.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

const char* const kMetricsHeader =
    "epoch,loss_mean,loss_std,free_energy_exact,relative_error,ess,free_energy_is,lr,seconds\n";

namespace {

// Every cell of a metrics row is a number or empty (the exact columns of targets without exact
// results); the resume reads some of them back as numbers.
bool numeric_cells(const std::string& row) {
  std::istringstream cells(row);
  for (std::string cell; std::getline(cells, cell, ',');) {
    double value = 0;
    const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (!cell.empty() && (error != std::errc{} || end != cell.data() + cell.size())) return false;
  }
  return true;
}

// The rows of metrics.csv an uninterrupted run wrote: complete lines numbered 0, 1, 2, … with
// every column, all numbers, up to the first that is not (a partial row left by a failed write or
// a kill, or a damaged one).
std::vector<std::string> consistent_metrics_rows(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto columns =
      std::count(kMetricsHeader, kMetricsHeader + std::strlen(kMetricsHeader), ',');
  std::vector<std::string> rows;
  std::size_t pos = text.find('\n');  // after the header
  while (pos != std::string::npos) {
    const std::size_t end = text.find('\n', pos + 1);
    if (end == std::string::npos) break;  // unterminated: the write of this row did not finish
    std::string row = text.substr(pos + 1, end - pos - 1);
    if (std::count(row.begin(), row.end(), ',') != columns ||
        row.substr(0, row.find(',')) != std::to_string(rows.size()) || !numeric_cells(row))
      break;
    rows.push_back(std::move(row));
    pos = end;
  }
  return rows;
}

// Cell k of a CSV row of numbers.
double cell(const std::string& row, std::size_t k) {
  std::size_t begin = 0;
  for (std::size_t i = 0; i < k; ++i) begin = row.find(',', begin) + 1;
  return std::stod(row.substr(begin, row.find(',', begin) - begin));
}

struct ResumePoint {
  long long epoch = 0;
  fs::path file;
};

// The newest checkpoint that is intact and consistent with the run (its name, the pipeline's
// epochs and seed, the metrics rows before it), restored into the flow and optimizer. A corrupt
// one is renamed to *.corrupt, out of rotation, and the previous one is tried, saying so.
std::optional<ResumePoint> restore_newest_usable(const fs::path& checkpoints, long long epochs,
                                                 std::uint64_t seed, std::size_t metrics_rows,
                                                 const std::vector<Parameter*>& params,
                                                 Optimizer& optimizer) {
  const auto saved = train_checkpoints(checkpoints);
  std::vector<std::string> refused;
  for (auto file = saved.rbegin(); file != saved.rend(); ++file) {
    try {
      const Checkpoint c = read_checkpoint(*file);
      if (c.epoch != train_checkpoint_epoch(*file) || c.epoch > epochs || c.seed != seed)
        throw std::runtime_error(fmt::format(
            "{}: holds epoch {} and seed {}; its name, the pipeline's {} epochs and seed {} "
            "disagree",
            file->string(), c.epoch, c.seed, epochs, seed));
      if (static_cast<std::size_t>(c.epoch) > metrics_rows) {
        refused.push_back(fmt::format("{}: metrics.csv holds consistent rows for only {} epochs",
                                      file->string(), metrics_rows));
        fmt::print(stderr, "train: warning: {}; trying the previous checkpoint\n", refused.back());
        continue;
      }
      restore(params, c.parameters, *file);
      optimizer.load_state(c.optimizer);
      return ResumePoint{c.epoch, *file};
    } catch (const std::runtime_error& e) {
      refused.push_back(e.what());
      std::error_code ec;
      fs::rename(*file, fs::path(file->string() + ".corrupt"), ec);
      fmt::print(stderr, "train: warning: {}; set aside as {}.corrupt, trying the previous one\n",
                 e.what(), file->filename().string());
    }
  }
  if (!saved.empty())
    throw std::runtime_error(fmt::format(
        "train: no usable checkpoint in {}:\n  {}\nTo train this stage from the start, remove {} "
        "and its metrics file.",
        checkpoints.string(), fmt::join(refused, "\n  "), checkpoints.string()));
  return std::nullopt;
}

}  // namespace

TrainStart resume_or_start(const fs::path& metrics_file, const fs::path& checkpoints,
                           long long epochs, std::uint64_t seed,
                           const std::vector<Parameter*>& params, Optimizer& optimizer) {
  TrainStart start;
  std::vector<std::string> rows = consistent_metrics_rows(metrics_file);
  const auto resumed =
      restore_newest_usable(checkpoints, epochs, seed, rows.size(), params, optimizer);
  rows.resize(resumed ? static_cast<std::size_t>(resumed->epoch) : 0);
  if (resumed) {
    start.epoch = resumed->epoch;
    fmt::print("train: resuming from {} (epoch {} of {})\n", resumed->file.string(), start.epoch,
               epochs);
  }
  if (!rows.empty()) {
    start.elapsed_seconds = std::stod(rows.back().substr(rows.back().rfind(',') + 1));
    start.initial = LossStatistics{cell(rows[0], 1), cell(rows[0], 2), 0, 0};
  }
  std::string kept = kMetricsHeader;
  for (const auto& row : rows) kept += row + "\n";
  write_file_atomic(metrics_file, kept);
  return start;
}

// The other ranks start where rank 0 starts, from its bytes: no shared file system is needed, and
// no rank reads a file rank 0 may be rewriting.
TrainStart share_start(const Communicator& comm, TrainStart start,
                       const std::vector<Parameter*>& params, Optimizer& optimizer,
                       std::uint64_t seed) {
  if (comm.size() == 1) return start;
  start.epoch = comm.broadcast_value(start.epoch);
  start.elapsed_seconds = comm.broadcast_value(start.elapsed_seconds);
  const bool has_initial = comm.broadcast_value(start.initial.has_value());
  if (has_initial) start.initial = comm.broadcast_value(start.initial.value_or(LossStatistics{}));
  start.warm_started = comm.broadcast_value(start.warm_started);
  // From scratch the weights are the seed's on every rank.
  if (start.epoch == 0 && !start.warm_started) return start;
  std::string bytes;
  if (comm.is_root())
    bytes = encode_checkpoint({start.epoch, seed, snapshot(params), optimizer.state()});
  comm.broadcast(bytes);
  if (!comm.is_root()) {
    const Checkpoint c = decode_checkpoint(bytes, "the checkpoint rank 0 resumed from");
    restore(params, c.parameters, "rank 0's checkpoint");
    optimizer.load_state(c.optimizer);
  }
  return start;
}

}  // namespace neuralrg
