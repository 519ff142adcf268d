#include "pipeline/run_record.hpp"

#include <dlfcn.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "config/value_json.hpp"
#include "neuralrg/version.hpp"
#include "source_revision.hpp"
#include "util/atomic_file.hpp"
#include "util/isa.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

std::string now_iso8601() {
  return fmt::format("{:%FT%TZ}",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

// Which copy of libneuralrg the loader chose (the glibc-hwcaps level directories hold several).
std::string core_library_path() {
  Dl_info info{};
  return dladdr(reinterpret_cast<void*>(&source_revision), &info) && info.dli_fname
             ? std::string(info.dli_fname)
             : std::string();
}

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
}

// The sessions so far; a missing or unreadable file (a crash cannot leave one: writes are atomic,
// but a user may edit it) starts a new history rather than stopping the run.
Json earlier_sessions(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return Json::array();
  std::stringstream text;
  text << in.rdbuf();
  const Json old = Json::parse(text.str(), nullptr, false);
  if (!old.is_object() || !old.contains("sessions") || !old["sessions"].is_array())
    return Json::array();
  // The run directory's lock admits one process at a time: a session still "running" when the
  // next begins was killed (SIGKILL, out of memory, power loss) before it could record its end.
  Json sessions = old["sessions"];
  for (auto& session : sessions)
    if (session.is_object() && session.contains("status") && session["status"] == "running")
      session["status"] = "aborted";
  return sessions;
}

}  // namespace

std::string_view source_revision() {
  return NEURALRG_SOURCE_REVISION;
}

RunRecord::RunRecord(fs::path dir, const PipelineSpec& spec, const Invocation& invocation,
                     const std::vector<Index>& lattice)
    : file_(std::move(dir) / "run.json") {
  record_["format"] = 1;
  record_["config"] = to_json(spec.resolved);  // the latest: a resume may change it
  record_["lattice"] = lattice;
  // A resume may run another build than the first session: each session names its own.
  Json session;
  session["version"] = NEURALRG_VERSION_STRING;
  session["abi"] = NEURALRG_ABI_TAG;
  session["source_revision"] =
      source_revision().empty() ? Json(nullptr) : Json(std::string(source_revision()));
  session["kernels"] = std::string(isa_level());
  session["core_library"] = core_library_path();
  session["pipeline"] = spec.file.string();
  session["command"] = invocation.command;
  session["overrides"] = invocation.overrides;
  session["threads"] =
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
  session["ranks"] = invocation.ranks;
  session["host"] = host_name();
  session["pid"] = static_cast<long long>(getpid());
  session["started"] = now_iso8601();
  session["finished"] = nullptr;
  session["status"] = "running";
  record_["sessions"] = earlier_sessions(file_);
  record_["sessions"].push_back(std::move(session));
  write_file_atomic(file_, json_text(record_));
}

void RunRecord::finish(std::string_view status) noexcept {
  try {
    Json& session = record_["sessions"].back();
    session["finished"] = now_iso8601();
    session["status"] = std::string(status);
    write_file_atomic(file_, json_text(record_));
  } catch (const std::exception& e) {
    // Called while a failure or a stop is on its way out: that message matters more than this.
    fmt::print(stderr, "warning: could not record the end of this session in {}: {}\n",
               file_.string(), e.what());
  }
}

}  // namespace neuralrg
