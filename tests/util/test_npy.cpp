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
