// Mean ± standard error over seeds and which differences between variants count.
#include <doctest/doctest.h>

#include <cmath>

#include "report/comparison_groups.hpp"

using namespace neuralrg::report;

TEST_CASE("mean_error: standard error of the mean over finite values") {
  const MeanError m = mean_error({1.0, 2.0, 3.0, std::nan("")});
  CHECK(m.mean == 2.0);
  CHECK(m.count == 3);
  CHECK(m.stderr_ == doctest::Approx(1.0 / std::sqrt(3.0)));
  CHECK(std::isnan(mean_error({5.0}).stderr_));
  CHECK(mean_error({}).count == 0);
}

TEST_CASE("a difference is significant only beyond kSignificance combined errors") {
  // Groups: 1.0 ± 0.01, 1.1 ± 0.01 (Δ = 7σ), 1.02 ± 0.01 (Δ = 1.4σ from the first).
  const std::vector<MeanError> g{{1.0, 0.01, 3}, {1.1, 0.01, 3}, {1.02, 0.01, 3}};
  const auto d = differences(g);
  REQUIRE(d.size() == 3);
  CHECK(d[0].a == 0);
  CHECK(d[0].b == 1);
  CHECK(d[0].significant);
  CHECK(d[1].a == 0);
  CHECK(d[1].b == 2);
  CHECK_FALSE(d[1].significant);
  CHECK(d[2].a == 2);  // the better of the pair comes first
  CHECK(d[2].significant);
  // Without an error (one seed) nothing is significant, however large the gap.
  CHECK_FALSE(differences({{1.0, std::nan(""), 1}, {2.0, std::nan(""), 1}})[0].significant);
}

TEST_CASE("groups: failed runs are left out; the table says which variant is better") {
  std::vector<RunNumbers> runs;
  for (double e : {0.010, 0.011, 0.012}) runs.push_back({"good", true, 100, e, e, 0.9, 0.1});
  for (double e : {0.050, 0.052, 0.051}) runs.push_back({"bad", true, 50, e, e, 0.5, 0.05});
  runs.push_back({"bad", false, 50, 9.0, 9.0, 0.0, 0.05});
  const auto groups = summarize_groups(runs);
  REQUIRE(groups.size() == 2);
  CHECK(groups[1].runs == 4);
  CHECK(groups[1].completed == 3);
  CHECK(groups[1].error.mean == doctest::Approx(0.051));
  CHECK(groups[1].worse_than == std::vector<std::string>{"good"});
  CHECK(groups[0].worse_than.empty());
  CHECK(groups_html(groups, true).find("<b>good</b> is better than <b>bad</b>") !=
        std::string::npos);
  const std::string csv = groups_csv(groups, true);
  CHECK(csv.find("bad,4,3,50,0.051,") != std::string::npos);
  CHECK(csv.substr(csv.size() - 5) == "good\n");
  // One seed each: the page says the differences cannot be judged.
  const auto single = summarize_groups({runs[0], runs[3]});
  CHECK(groups_html(single, true).find("cannot be told apart") != std::string::npos);
}
