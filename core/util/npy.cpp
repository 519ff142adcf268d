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

namespace {

// A parsed .npy header and where its data starts. Only format 1.0, little-endian float64/float32.
struct NpyLayout {
  std::size_t element = 0;  ///< 8 or 4 bytes
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t data = 0;  ///< Offset of the first value.
};

std::optional<NpyLayout> parse_layout(const std::string& bytes) {
  constexpr std::size_t kPrefix = 10;
  if (bytes.size() < kPrefix || bytes.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) != 0)
    return std::nullopt;
  const std::size_t length = static_cast<unsigned char>(bytes[8]) |
                             static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8;
  if (bytes.size() < kPrefix + length) return std::nullopt;
  const std::string_view dict(bytes.data() + kPrefix, length);
  NpyLayout out;
  out.data = kPrefix + length;
  if (dict.find("'descr': '<f8'") != std::string_view::npos) out.element = 8;
  if (dict.find("'descr': '<f4'") != std::string_view::npos) out.element = 4;
  out.fortran_order = dict.find("'fortran_order': True") != std::string_view::npos;
  const bool c_order = dict.find("'fortran_order': False") != std::string_view::npos;
  const std::string_view key = "'shape': (";
  std::size_t pos = dict.find(key);
  if (!out.element || out.fortran_order == c_order || pos == std::string_view::npos)
    return std::nullopt;
  pos += key.size();
  // Dimensions "8, 10" or "8," up to ')'.
  while (pos < dict.size() && dict[pos] != ')') {
    std::size_t n = 0;
    const std::size_t digits = pos;
    while (pos < dict.size() && dict[pos] >= '0' && dict[pos] <= '9' && n < (1ull << 40))
      n = n * 10 + static_cast<std::size_t>(dict[pos++] - '0');
    if (pos == digits || out.shape.size() == 2) return std::nullopt;
    out.shape.push_back(n);
    if (pos < dict.size() && dict[pos] == ',') ++pos;
    if (pos < dict.size() && dict[pos] == ' ') ++pos;
  }
  if (pos >= dict.size()) return std::nullopt;
  // The data must fill the rest of the file exactly; checked dimension by dimension so a huge
  // claimed shape cannot overflow the product (and then allocate what the file does not hold).
  const std::size_t available = (bytes.size() - out.data) / out.element;
  std::size_t count = 1;
  for (const std::size_t n : out.shape) {
    if (n != 0 && count > available / n) return std::nullopt;
    count *= n;
  }
  if (bytes.size() - out.data != count * out.element) return std::nullopt;
  return out;
}

std::optional<std::string> file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return std::nullopt;
  return bytes;
}

template <class T>
double value_at(const std::string& bytes, std::size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return static_cast<double>(v);
}

}  // namespace

std::optional<std::vector<double>> read_npy_vector(const std::filesystem::path& file) {
  const auto bytes = file_bytes(file);
  const auto layout = bytes ? parse_layout(*bytes) : std::nullopt;
  if (!layout || layout->element != 8 || layout->fortran_order || layout->shape.size() != 1)
    return std::nullopt;
  std::vector<double> out(layout->shape[0]);
  if (!out.empty()) std::memcpy(out.data(), bytes->data() + layout->data, out.size() * 8);
  return out;
}

Matrix read_npy_matrix(const std::filesystem::path& file) {
  const auto bytes = file_bytes(file);
  if (!bytes) throw std::runtime_error(fmt::format("{}: cannot read the file", file.string()));
  const auto layout = parse_layout(*bytes);
  if (!layout || layout->shape.size() != 2)
    throw std::runtime_error(fmt::format(
        "{}: expected a 2-D .npy array of float64 or float32 (rows × columns, as numpy.save "
        "writes it), found {}",
        file.string(),
        layout ? fmt::format("{} dimensions", layout->shape.size())
               : std::string("another format or a cut-off file")));
  const auto rows = static_cast<Index>(layout->shape[0]),
             cols = static_cast<Index>(layout->shape[1]);
  Matrix m(rows, cols);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      const auto k = static_cast<std::size_t>(layout->fortran_order ? c * rows + r : r * cols + c);
      const std::size_t offset = layout->data + k * layout->element;
      m(r, c) = static_cast<Scalar>(layout->element == 8 ? value_at<double>(*bytes, offset)
                                                         : value_at<float>(*bytes, offset));
    }
  return m;
}

}  // namespace neuralrg
