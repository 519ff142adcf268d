// Reading the CSV files stages write: columns by name, numbers, located errors, matrix grids.
#include <doctest/doctest.h>

#include <cmath>

#include "support/cli.hpp"
#include "util/csv.hpp"

using namespace neuralrg;

TEST_CASE("a CSV table gives columns by name and cells as numbers, NaN where empty") {
  test::TempDir tmp;
  const auto file = tmp.write("t.csv", "epoch,loss,exact\n0,-1.5,\n1,-2.25,-3\n");
  const CsvTable t = read_csv(file);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.column("loss") == 1u);
  CHECK_FALSE(t.column("missing"));
  CHECK(t.numbers("loss") == std::vector<double>{-1.5, -2.25});
  CHECK(std::isnan(t.numbers("exact")[0]));
  CHECK(t.numbers("exact")[1] == -3);
  CHECK(t.numbers("missing").empty());
}

TEST_CASE("a row with the wrong number of cells is refused naming the file and line") {
  test::TempDir tmp;
  const auto file = tmp.write("bad.csv", "a,b\n1,2\n3,4,5\n");
  CHECK_THROWS_WITH_AS(read_csv(file), doctest::Contains("bad.csv:3"), std::runtime_error);
}

TEST_CASE("a last row without its newline (an append cut short by a crash) is left out") {
  test::TempDir tmp;
  // Cut inside the last number: read as data it would be a wrong value, not an error.
  CHECK(read_csv(tmp.write("cut.csv", "epoch,loss\n0,-1.5\n1,-2.2")).rows.size() == 1);
  // Cut before the last cell: without the rule, a row of the wrong length fails the whole file.
  CHECK(read_csv(tmp.write("short.csv", "epoch,loss\n0,-1.5\n1")).rows.size() == 1);
  CHECK(read_csv(tmp.write("header.csv", "epoch,loss")).header.size() == 2);
}

TEST_CASE("a grid written by csv_matrix_text reads back to ten significant digits") {
  test::TempDir tmp;
  Matrix m(2, 3);
  m << 0.1, -2.0 / 3.0, 1e-300, 5, 6.25, -7e12;
  const auto file = tmp.write("grid.csv", csv_matrix_text(m));
  const Matrix back = read_csv_matrix(file);
  REQUIRE(back.rows() == 2);
  REQUIRE(back.cols() == 3);
  for (Index i = 0; i < m.size(); ++i)
    CHECK(back.data()[i] == doctest::Approx(m.data()[i]).epsilon(1e-10));
  CHECK(back(0, 0) == 0.1);
}
