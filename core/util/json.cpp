#include "util/json.hpp"

namespace neuralrg {

std::string json_text(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace neuralrg
