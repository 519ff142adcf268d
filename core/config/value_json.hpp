// A YAML configuration tree as JSON (run.json, summary.json): scalars typed the way the pipeline
// validator reads them, so `L: 16` is a number and a quoted "16" stays text.
#pragma once

#include "neuralrg/params.hpp"
#include "util/json.hpp"

namespace neuralrg {

Json to_json(const Value& v);

}  // namespace neuralrg
