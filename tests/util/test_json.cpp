// JSON strings: quotes, backslashes and control characters escaped; UTF-8 passed through.
#include <doctest/doctest.h>

#include "util/json.hpp"

using namespace neuralrg;

TEST_CASE("json_string escapes what JSON requires and keeps UTF-8") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("line\nnext\ttab") == "\"line\\nnext\\ttab\"");
  CHECK(json_string(std::string("\x01", 1)) == "\"\\u0001\"");
  CHECK(json_string("β_c ≈ 0.44") == "\"β_c ≈ 0.44\"");
}
