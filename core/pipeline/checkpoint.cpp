#include "pipeline/checkpoint.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "util/atomic_file.hpp"

namespace neuralrg {

namespace {

// Tensors are stored in the writing build's precision; a build of the other precision converts on
// reading, so a flow trained in a float build can be sampled or evaluated in a double build.
static_assert(sizeof(Scalar) == 8 || sizeof(Scalar) == 4, "checkpoints store double or float");
constexpr const char* kScalarName = sizeof(Scalar) == 8 ? "double" : "float";
constexpr std::string_view kMagic = "NEURALRG-CHECKPOINT 1\n";
constexpr std::string_view kEnd = "end\n";

std::string checksum_line(std::uint64_t hash) {
  return fmt::format("checksum fnv1a64 {:016x}\n", hash);
}

template <typename Stored>
Matrix read_tensor(const char* bytes, Index rows, Index cols) {
  Eigen::Matrix<Stored, Eigen::Dynamic, Eigen::Dynamic> stored(rows, cols);
  std::memcpy(stored.data(), bytes, sizeof(Stored) * static_cast<std::size_t>(stored.size()));
  return stored.template cast<Scalar>();
}

// The whole token must be a number of type T: "12x", "-3" for unsigned and overflow are refused.
template <typename T>
bool parse_number(const std::string& token, T& out) {
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), out);
  return error == std::errc() && end == token.data() + token.size();
}

struct TensorEntry {
  std::string group, name;
  Index rows = 0, cols = 0;
};

struct Header {
  bool has_epoch = false, has_seed = false;
  std::string scalar = "double";  // files from before the scalar line were double
  std::vector<TensorEntry> tensors;
  std::optional<std::uint64_t> checksum;
  std::size_t checksum_begin = 0, checksum_end = 0;  // the checksum line's bytes
  std::size_t data_begin = 0;
};

using Complaint = std::function<std::runtime_error(const std::string&)>;

// One header line; `line` excludes its newline.
void parse_header_line(const std::string& line, Header& h, Checkpoint& c, std::uint64_t file_size,
                       const Complaint& bad) {
  std::istringstream in(line);
  std::vector<std::string> f;
  for (std::string token; in >> token;) f.push_back(token);
  const std::string key = f.empty() ? std::string() : f[0];
  auto once = [&](bool& seen) {
    if (seen) throw bad(key + " given twice");
    seen = true;
  };
  if (key == "epoch" && f.size() == 2) {
    once(h.has_epoch);
    if (!parse_number(f[1], c.epoch) || c.epoch < 0)
      throw bad("epoch " + f[1] + " (expected a count of completed epochs, 0 or more)");
  } else if (key == "seed" && f.size() == 2) {
    once(h.has_seed);
    if (!parse_number(f[1], c.seed)) throw bad("seed " + f[1] + " (expected an unsigned integer)");
  } else if (key == "scalar" && f.size() == 2) {
    h.scalar = f[1];
    if (h.scalar != "double" && h.scalar != "float")
      throw bad("scalar type " + h.scalar + " (expected double or float)");
  } else if (key == "tensor" && f.size() == 5) {
    TensorEntry e{f[1], f[2]};
    if (e.group != "param" && e.group != "optimizer")
      throw bad("tensor group " + e.group + " (expected param or optimizer): " + line);
    // Each dimension alone must fit in the file, so rows × cols cannot overflow below.
    if (!parse_number(f[3], e.rows) || !parse_number(f[4], e.cols) || e.rows < 0 || e.cols < 0 ||
        static_cast<std::uint64_t>(e.rows) > file_size ||
        static_cast<std::uint64_t>(e.cols) > file_size)
      throw bad(fmt::format("tensor dimensions out of range (the file has {} bytes): {}", file_size,
                            line));
    h.tensors.push_back(e);
  } else if (key == "checksum" && f.size() == 3 && f[1] == "fnv1a64") {
    std::uint64_t value = 0;
    if (h.checksum || f[2].size() != 16 ||
        std::from_chars(f[2].data(), f[2].data() + 16, value, 16).ptr != f[2].data() + 16)
      throw bad("malformed checksum line: " + line);
    h.checksum = value;
  } else {
    throw bad("malformed or unknown header line: " + line.substr(0, 80));
  }
}

Header parse_header(const std::string& bytes, Checkpoint& c, const Complaint& bad) {
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) throw bad("wrong magic line");
  Header h;
  std::size_t pos = kMagic.size();
  for (;;) {
    const std::size_t newline = bytes.find('\n', pos);
    if (newline == std::string::npos) throw bad("truncated header (no end line)");
    const std::string line = bytes.substr(pos, newline - pos);
    if (line.rfind("checksum ", 0) == 0) h.checksum_begin = pos, h.checksum_end = newline + 1;
    pos = newline + 1;
    if (line == "end") break;
    parse_header_line(line, h, c, bytes.size(), bad);
  }
  if (!h.has_epoch || !h.has_seed) throw bad("the header lacks its epoch or seed line");
  h.data_begin = pos;
  return h;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash) {
  for (const char b : bytes) {
    hash ^= static_cast<unsigned char>(b);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string encode_checkpoint(const Checkpoint& c) {
  std::string head =
      fmt::format("{}epoch {}\nseed {}\nscalar {}\n", kMagic, c.epoch, c.seed, kScalarName);
  auto header = [&](const char* group, const NamedMatrix& m) {
    head += fmt::format("tensor {} {} {} {}\n", group, m.name, m.value.rows(), m.value.cols());
  };
  for (const auto& m : c.parameters) header("param", m);
  for (const auto& m : c.optimizer) header("optimizer", m);
  std::string body(kEnd);
  auto data = [&](const NamedMatrix& m) {
    body.append(reinterpret_cast<const char*>(m.value.data()),
                sizeof(Scalar) * static_cast<std::size_t>(m.value.size()));
  };
  for (const auto& m : c.parameters) data(m);
  for (const auto& m : c.optimizer) data(m);
  return head + checksum_line(fnv1a64(body, fnv1a64(head))) + body;
}

void write_checkpoint(const std::filesystem::path& file, const Checkpoint& c) {
  write_file_atomic(file, encode_checkpoint(c));
}

Checkpoint read_checkpoint(const std::filesystem::path& file) {
  // A device or a pipe in its place could be read forever (/dev/zero) or block (a FIFO).
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw std::runtime_error(
        fmt::format("{}: not a valid checkpoint: not a regular file", file.string()));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open checkpoint", file.string()));
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw std::runtime_error(fmt::format("{}: cannot read checkpoint", file.string()));
  return decode_checkpoint(bytes, file.string());
}

Checkpoint decode_checkpoint(const std::string& bytes, const std::string& source) {
  const Complaint bad = [&](const std::string& what) {
    return std::runtime_error(fmt::format("{}: not a valid checkpoint: {}", source, what));
  };
  Checkpoint c;
  const Header h = parse_header(bytes, c, bad);
  const std::size_t scalar_size = h.scalar == "double" ? sizeof(double) : sizeof(float);
  std::uint64_t declared = 0;
  for (const auto& e : h.tensors)
    declared +=
        static_cast<std::uint64_t>(e.rows) * static_cast<std::uint64_t>(e.cols) * scalar_size;
  const std::uint64_t actual = bytes.size() - h.data_begin;
  if (declared != actual)
    throw bad(fmt::format("the header declares {} bytes of tensor data, the file holds {}{}",
                          declared, actual, declared > actual ? " (truncated?)" : ""));
  if (h.checksum) {
    const std::string_view all(bytes);
    const std::uint64_t computed =
        fnv1a64(all.substr(h.checksum_end), fnv1a64(all.substr(0, h.checksum_begin)));
    if (computed != *h.checksum)
      throw bad(
          fmt::format("checksum mismatch (stored {:016x}, computed {:016x}): the file is "
                      "corrupt",
                      *h.checksum, computed));
  }
  const char* data = bytes.data() + h.data_begin;
  for (const auto& e : h.tensors) {
    NamedMatrix m{e.name, scalar_size == sizeof(double) ? read_tensor<double>(data, e.rows, e.cols)
                                                        : read_tensor<float>(data, e.rows, e.cols)};
    data += static_cast<std::size_t>(e.rows * e.cols) * scalar_size;
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
