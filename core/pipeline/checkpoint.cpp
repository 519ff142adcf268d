#include "pipeline/checkpoint.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/atomic_file.hpp"

namespace neuralrg {

namespace {

// Tensors are stored in the writing build's precision; a build of the other precision converts on
// reading, so a flow trained in a float build can be sampled or evaluated in a double build.
static_assert(sizeof(Scalar) == 8 || sizeof(Scalar) == 4, "checkpoints store double or float");
constexpr const char* kScalarName = sizeof(Scalar) == 8 ? "double" : "float";

template <typename Stored>
Matrix read_tensor(std::istream& in, Index rows, Index cols) {
  Eigen::Matrix<Stored, Eigen::Dynamic, Eigen::Dynamic> stored(rows, cols);
  in.read(reinterpret_cast<char*>(stored.data()),
          static_cast<std::streamsize>(sizeof(Stored) * static_cast<std::size_t>(stored.size())));
  return stored.template cast<Scalar>();
}

}  // namespace

void write_checkpoint(const std::filesystem::path& file, const Checkpoint& c) {
  std::string out = fmt::format("NEURALRG-CHECKPOINT 1\nepoch {}\nseed {}\nscalar {}\n", c.epoch,
                                c.seed, kScalarName);
  auto header = [&](const char* group, const NamedMatrix& m) {
    out += fmt::format("tensor {} {} {} {}\n", group, m.name, m.value.rows(), m.value.cols());
  };
  for (const auto& m : c.parameters) header("param", m);
  for (const auto& m : c.optimizer) header("optimizer", m);
  out += "end\n";
  auto data = [&](const NamedMatrix& m) {
    out.append(reinterpret_cast<const char*>(m.value.data()),
               sizeof(Scalar) * static_cast<std::size_t>(m.value.size()));
  };
  for (const auto& m : c.parameters) data(m);
  for (const auto& m : c.optimizer) data(m);
  write_file_atomic(file, out);
}

Checkpoint read_checkpoint(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open checkpoint", file.string()));
  auto bad = [&](const std::string& what) {
    return std::runtime_error(fmt::format("{}: not a valid checkpoint: {}", file.string(), what));
  };
  std::string line;
  if (!std::getline(in, line) || line != "NEURALRG-CHECKPOINT 1") throw bad("wrong magic line");
  Checkpoint c;
  struct Entry {
    std::string group, name;
    Index rows, cols;
  };
  std::vector<Entry> entries;
  std::string stored_type = "double";
  while (std::getline(in, line) && line != "end") {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "epoch")
      fields >> c.epoch;
    else if (key == "seed")
      fields >> c.seed;
    else if (key == "scalar") {
      fields >> stored_type;
      if (stored_type != "double" && stored_type != "float")
        throw bad("scalar type " + stored_type + " (expected double or float)");
    } else if (key == "tensor") {
      Entry e;
      fields >> e.group >> e.name >> e.rows >> e.cols;
      if (!fields || e.rows < 0 || e.cols < 0) throw bad("malformed tensor line: " + line);
      entries.push_back(e);
    } else {
      throw bad("unknown header line: " + line);
    }
  }
  if (line != "end") throw bad("truncated header");
  for (const auto& e : entries) {
    NamedMatrix m{e.name, stored_type == "double" ? read_tensor<double>(in, e.rows, e.cols)
                                                  : read_tensor<float>(in, e.rows, e.cols)};
    if (!in) throw bad("truncated data for tensor " + e.name);
    (e.group == "param" ? c.parameters : c.optimizer).push_back(std::move(m));
  }
  return c;
}

std::vector<NamedMatrix> snapshot(const std::vector<Parameter*>& params) {
  std::vector<NamedMatrix> out;
  for (std::size_t i = 0; i < params.size(); ++i)
    out.push_back({fmt::format("{}:{}", i, params[i]->name), params[i]->value});
  return out;
}

void restore(const std::vector<Parameter*>& params, const std::vector<NamedMatrix>& saved,
             const std::filesystem::path& source) {
  if (saved.size() != params.size())
    throw std::runtime_error(fmt::format("{}: holds {} parameter tensors, the flow has {}",
                                         source.string(), saved.size(), params.size()));
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string expected = fmt::format("{}:{}", i, params[i]->name);
    if (saved[i].name != expected || saved[i].value.rows() != params[i]->value.rows() ||
        saved[i].value.cols() != params[i]->value.cols())
      throw std::runtime_error(
          fmt::format("{}: tensor {} is {} ({}×{}), the flow expects {} ({}×{})", source.string(),
                      i, saved[i].name, saved[i].value.rows(), saved[i].value.cols(), expected,
                      params[i]->value.rows(), params[i]->value.cols()));
    params[i]->value = saved[i].value;
  }
}

}  // namespace neuralrg
