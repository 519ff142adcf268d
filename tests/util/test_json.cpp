// JSON output: escapes and UTF-8 by the library, NaN as null, YAML scalars typed as the
// validator reads them.
#include <doctest/doctest.h>

#include <cmath>

#include "config/value_json.hpp"
#include "config/yaml_document.hpp"
#include "util/json.hpp"

using namespace neuralrg;

TEST_CASE("json_text escapes, keeps UTF-8, writes NaN as null and survives invalid UTF-8") {
  Json j;
  j["text"] = "a\"b\\c\nd\x01";
  j["beta"] = "β_c ≈ 0.44";
  j["nan"] = std::nan("");
  j["latin1"] = std::string("caf\xe9");
  const std::string text = json_text(j);
  CHECK(text.find(R"("a\"b\\c\nd\u0001")") != std::string::npos);
  CHECK(text.find("\"β_c ≈ 0.44\"") != std::string::npos);
  CHECK(text.find("\"nan\": null") != std::string::npos);
  CHECK(Json::parse(text)["latin1"] == "caf\xef\xbf\xbd");
  CHECK(text.back() == '\n');
}

TEST_CASE("to_json types scalars like the validator: quoted text stays text") {
  const Value v = parse_yaml(
      "L: 16\nbeta: 0.44\nname: \"16\"\nz2: true\nword: yes\nlist: [1, 2.5]\nnone:\n"
      "inf: .inf\n",
      "t.yaml");
  const Json j = to_json(v);
  CHECK(j["L"] == 16);
  CHECK(j["L"].is_number_integer());
  CHECK(j["beta"] == doctest::Approx(0.44));
  CHECK(j["name"] == "16");
  CHECK(j["z2"] == true);
  CHECK(j["word"] == "yes");
  CHECK(j["list"] == Json::array({1, 2.5}));
  CHECK(j["none"].is_null());
  CHECK(j["inf"] == ".inf");
  // Keys keep the file's order.
  CHECK(j.begin().key() == "L");
}
