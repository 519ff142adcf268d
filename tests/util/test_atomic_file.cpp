// Atomic, checked writes: the new content replaces the old at once, a failure keeps the old file
// and names the path, and the temporary files are recognisable.
#include <doctest/doctest.h>

#include "support/cli.hpp"
#include "util/atomic_file.hpp"

using namespace neuralrg;
namespace fs = std::filesystem;

TEST_CASE("write_file_atomic replaces a file's content and leaves no temporary behind") {
  test::TempDir tmp;
  const fs::path file = tmp.path / "f.txt";
  write_file_atomic(file, "old");
  write_file_atomic(file, "new content");
  CHECK(test::read_text(file) == "new content");
  for (const auto& e : fs::directory_iterator(tmp.path)) CHECK_FALSE(is_atomic_write_leftover(e));
}

TEST_CASE("a write that cannot happen throws WriteError naming the file, and the old file stays") {
  test::TempDir tmp;
  const fs::path dir = tmp.path / "sub";
  fs::create_directories(dir);
  const fs::path file = dir / "f.txt";
  write_file_atomic(file, "kept");
  // A directory where the file should go cannot be replaced by a rename.
  const std::string named = dir.string();
  CHECK_THROWS_WITH_AS(write_file_atomic(dir, "x"), doctest::Contains(named.c_str()), WriteError);
  CHECK_THROWS_AS(write_file_atomic(tmp.path / "missing" / "f.txt", "x"), WriteError);
  CHECK(test::read_text(file) == "kept");
}

TEST_CASE("temporary names are recognised as leftovers, ordinary names are not") {
  CHECK(is_atomic_write_leftover("/run/.metrics.csv.tmp-a1B2c3"));
  CHECK_FALSE(is_atomic_write_leftover("/run/metrics.csv"));
  CHECK_FALSE(is_atomic_write_leftover("/run/.hidden"));
}
