// .npy files: header layout (numpy's format 1.0, 64-byte aligned data), data order, and reading
// back what the report plots. That numpy.load reads them is checked by python/tests on a real run
// directory.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "util/npy.hpp"

using namespace neuralrg;

namespace {

std::string dict_of(const std::string& bytes) {
  const auto length = static_cast<unsigned char>(bytes[8]) |
                      static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8;
  return bytes.substr(10, length);
}

}  // namespace

TEST_CASE("npy header: magic, version, aligned dict, C-order shape") {
  const std::vector<double> values{1, 2, 3, 4, 5, 6};
  const std::string bytes = npy_bytes(values, {2, 3});
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::string dict = dict_of(bytes);
  CHECK(dict.find("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") == 1);
  CHECK(dict.back() == '\n');
  CHECK((10 + dict.size()) % 64 == 0);
  REQUIRE(bytes.size() == 10 + dict.size() + 6 * sizeof(double));
  double last = 0;
  std::memcpy(&last, bytes.data() + bytes.size() - sizeof(double), sizeof(double));
  CHECK(last == 6);
  CHECK(dict_of(npy_bytes(values, {6})).find("'shape': (6,)") != std::string::npos);
  CHECK_THROWS_AS(npy_bytes(values, {4, 2}), std::invalid_argument);
}

TEST_CASE("npy of a matrix: Fortran order, so column-major data goes out unchanged") {
  Matrix m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  const std::string bytes = npy_bytes(m);
  const std::string dict = dict_of(bytes);
  CHECK(dict.find("'fortran_order': True, 'shape': (2, 3)") != std::string::npos);
  Scalar second = 0;  // column-major: m(1, 0) = 4 follows m(0, 0)
  std::memcpy(&second, bytes.data() + 10 + dict.size() + sizeof(Scalar), sizeof(Scalar));
  CHECK(second == 4);
}

TEST_CASE("read_npy_vector reads what write_npy writes and nothing else") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("neuralrg-npy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::vector<double> values{1.5, -2, 1e-300, 7};
  write_npy(dir / "v.npy", values);
  CHECK(read_npy_vector(dir / "v.npy") == values);
  write_npy(dir / "empty.npy", std::vector<double>{});
  CHECK(read_npy_vector(dir / "empty.npy") == std::vector<double>{});
  // Not a 1-D float64 array, or not whole: nothing, not an exception or a short read.
  write_npy(dir / "m.npy", std::vector<std::vector<double>>{{1, 2}, {3, 4}});
  CHECK_FALSE(read_npy_vector(dir / "m.npy"));
  CHECK_FALSE(read_npy_vector(dir / "missing.npy"));
  std::string bytes = npy_bytes(values, {values.size()});
  for (const std::size_t cut :
       {std::size_t{0}, std::size_t{9}, std::size_t{40}, bytes.size() - 1}) {
    CAPTURE(cut);
    std::ofstream(dir / "cut.npy", std::ios::binary) << bytes.substr(0, cut);
    CHECK_FALSE(read_npy_vector(dir / "cut.npy"));
  }
  bytes.replace(bytes.find("(4,)"), 4, "(5,)");
  std::ofstream(dir / "long.npy", std::ios::binary) << bytes;
  CHECK_FALSE(read_npy_vector(dir / "long.npy"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_npy_matrix reads both orders and precisions, and names what it cannot read") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("neuralrg-npym-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Matrix m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  write_npy(dir / "fortran.npy", m);  // column-major, as the sample stage saves chains
  CHECK(read_npy_matrix(dir / "fortran.npy") == m);
  const std::vector<double> c_order{1, 2, 3, 4, 5, 6};
  std::ofstream(dir / "c.npy", std::ios::binary) << npy_bytes(c_order, {2, 3});
  CHECK(read_npy_matrix(dir / "c.npy") == m);
  // float32 as numpy.save writes a float32 array: the same header with '<f4' and 4-byte values.
  std::string f4 = npy_bytes(c_order, {2, 3});
  f4.replace(f4.find("<f8"), 3, "<f4");
  const std::size_t data = f4.size() - c_order.size() * 8;
  f4.resize(data);
  for (const double v : c_order) {
    const float x = static_cast<float>(v);
    f4.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  std::ofstream(dir / "f4.npy", std::ios::binary) << f4;
  CHECK(read_npy_matrix(dir / "f4.npy") == m);
  write_npy(dir / "vector.npy", c_order);
  CHECK_THROWS_WITH(read_npy_matrix(dir / "vector.npy"), doctest::Contains("found 1 dimensions"));
  std::ofstream(dir / "cut.npy", std::ios::binary) << f4.substr(0, f4.size() - 1);
  CHECK_THROWS_WITH(read_npy_matrix(dir / "cut.npy"),
                    doctest::Contains("another format or a cut-off file"));
  CHECK_THROWS_WITH(read_npy_matrix(dir / "missing.npy"), doctest::Contains("cannot read"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a .npy shape whose element count overflows is refused, not allocated") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("neuralrg-npy-wrap-" + std::to_string(::getpid()) + ".npy");
  // 2⁴⁰ × 2²⁴ elements wrap to 0 in 64 bits, which a header-only file would "hold".
  std::string bytes = npy_bytes(std::vector<double>{}, {0, 0});
  bytes.replace(bytes.find("(0, 0)"), 6, "(1099511627776, 16777216)");
  bytes.erase(bytes.rfind('\n') - 19, 19);  // the header keeps its length: less padding
  std::ofstream(file, std::ios::binary) << bytes;
  CHECK_THROWS_WITH(read_npy_matrix(file), doctest::Contains("another format or a cut-off file"));
  std::filesystem::remove(file);
}
