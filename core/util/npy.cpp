#include "util/npy.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <numeric>
#include <stdexcept>

#include "util/atomic_file.hpp"

namespace neuralrg {

namespace {

static_assert(std::endian::native == std::endian::little, "the .npy writer assumes little endian");

// Magic, version 1.0, a little-endian 16-bit header length, then a Python dict literal padded
// with spaces and a newline so the data starts at a multiple of 64 bytes (numpy's alignment).
std::string header(std::string_view descr, bool fortran_order,
                   const std::vector<std::size_t>& shape) {
  std::string dims;
  for (std::size_t n : shape) dims += fmt::format("{}, ", n);
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // (3, 4); a 1-D shape keeps "(5,)"
  if (shape.size() == 1) dims.pop_back();
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': ({}), }}", descr,
                                 fortran_order ? "True" : "False", dims);
  const std::size_t prefix = 10;
  const std::size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict;
}

template <class T>
std::string with_data(std::string head, const T* data, std::size_t count) {
  const std::size_t offset = head.size();
  head.resize(offset + count * sizeof(T));
  if (count) std::memcpy(head.data() + offset, data, count * sizeof(T));
  return head;
}

}  // namespace

std::string npy_bytes(std::span<const double> data, const std::vector<std::size_t>& shape) {
  const std::size_t count =
      std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
  if (count != data.size())
    throw std::invalid_argument(
        fmt::format("a .npy shape of {} elements for {} values", count, data.size()));
  return with_data(header("<f8", false, shape), data.data(), data.size());
}

std::string npy_bytes(const Matrix& m) {
  // Eigen stores columns contiguously: numpy's Fortran order, so the bytes go out unchanged.
  const std::vector<std::size_t> shape{static_cast<std::size_t>(m.rows()),
                                       static_cast<std::size_t>(m.cols())};
  return with_data(header(sizeof(Scalar) == 8 ? "<f8" : "<f4", true, shape), m.data(),
                   static_cast<std::size_t>(m.size()));
}

void write_npy(const std::filesystem::path& file, std::span<const double> data) {
  write_file_atomic(file, npy_bytes(data, {data.size()}));
}

void write_npy(const std::filesystem::path& file, const std::vector<std::vector<double>>& rows) {
  const std::size_t length = rows.empty() ? 0 : rows.front().size();
  std::vector<double> flat;
  flat.reserve(rows.size() * length);
  for (const auto& row : rows) {
    if (row.size() != length)
      throw std::invalid_argument(fmt::format("{}: rows of {} and {} values in one array",
                                              file.string(), length, row.size()));
    flat.insert(flat.end(), row.begin(), row.end());
  }
  write_file_atomic(file, npy_bytes(flat, {rows.size(), length}));
}

void write_npy(const std::filesystem::path& file, const Matrix& m) {
  write_file_atomic(file, npy_bytes(m));
}

std::optional<std::vector<double>> read_npy_vector(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  constexpr std::size_t kPrefix = 10;
  if (!in.eof() && in.fail()) return std::nullopt;
  if (bytes.size() < kPrefix || bytes.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) != 0)
    return std::nullopt;
  const std::size_t header_length = static_cast<unsigned char>(bytes[8]) |
                                    static_cast<std::size_t>(static_cast<unsigned char>(bytes[9]))
                                        << 8;
  if (bytes.size() < kPrefix + header_length) return std::nullopt;
  const std::string_view dict(bytes.data() + kPrefix, header_length);
  const std::string_view shape_key = "'shape': (";
  const auto shape = dict.find(shape_key);
  if (dict.find("'descr': '<f8'") == std::string_view::npos ||
      dict.find("'fortran_order': False") == std::string_view::npos ||
      shape == std::string_view::npos)
    return std::nullopt;
  std::size_t count = 0, pos = shape + shape_key.size();
  const std::size_t digits = pos;
  while (pos < dict.size() && dict[pos] >= '0' && dict[pos] <= '9' && count < (1ull << 40))
    count = count * 10 + static_cast<std::size_t>(dict[pos++] - '0');
  if (pos == digits || dict.substr(pos, 2) != ",)") return std::nullopt;
  const std::size_t data = kPrefix + header_length;
  if (bytes.size() - data != count * sizeof(double)) return std::nullopt;
  std::vector<double> out(count);
  if (count) std::memcpy(out.data(), bytes.data() + data, count * sizeof(double));
  return out;
}

}  // namespace neuralrg
