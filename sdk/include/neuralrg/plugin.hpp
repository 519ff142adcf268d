// Plugin registration: the one entry point a plugin library exports, and the registry it fills.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/dll/alias.hpp>

#include "neuralrg/bijector.hpp"
#include "neuralrg/optimizer.hpp"
#include "neuralrg/params.hpp"
#include "neuralrg/prior.hpp"
#include "neuralrg/sampler.hpp"
#include "neuralrg/target.hpp"
#include "neuralrg/version.hpp"

namespace neuralrg {

/// The kinds of objects a plugin can provide.
enum class PluginKind { Bijector, Target, Prior, Optimizer, Sampler };

/// "bijector", "target", ... as used in messages and listings.
const char* to_string(PluginKind kind);

using BijectorFactory =
    std::function<std::unique_ptr<Bijector>(const Params&, const BijectorContext&)>;
using TargetFactory = std::function<std::unique_ptr<Target>(const Params&, const TargetContext&)>;
using PriorFactory = std::function<std::unique_ptr<Prior>(const Params&, const PriorContext&)>;
using OptimizerFactory =
    std::function<std::unique_ptr<Optimizer>(const Params&, const OptimizerContext&)>;
using SamplerFactory =
    std::function<std::unique_ptr<Sampler>(const Params&, const SamplerContext&)>;

/// Where a plugin's register function adds its factories. Each factory is declared with its
/// name (what pipelines write after `plugin:`), a one-line description and its parameter schema;
/// the host validates parameters against the schema before calling the factory.
class Registry {
 public:
  virtual ~Registry() = default;
  virtual void add_bijector(std::string name, std::string doc, Schema schema,
                            BijectorFactory factory) = 0;
  virtual void add_target(std::string name, std::string doc, Schema schema,
                          TargetFactory factory) = 0;
  virtual void add_prior(std::string name, std::string doc, Schema schema,
                         PriorFactory factory) = 0;
  virtual void add_optimizer(std::string name, std::string doc, Schema schema,
                             OptimizerFactory factory) = 0;
  virtual void add_sampler(std::string name, std::string doc, Schema schema,
                           SamplerFactory factory) = 0;
};

/// Plain-C metadata a plugin exports. Only C types, with the version first, so a host can read it
/// safely from a library built against any other version before trusting anything else.
struct PluginInfo {
  int api_version;                        ///< NEURALRG_API_VERSION the plugin was compiled against.
  const char* abi_tag;                    ///< NEURALRG_ABI_TAG the plugin was compiled with.
  const char* name;                       ///< Library name, e.g. "realnvp".
  const char* version;                    ///< The plugin's own version string.
  void (*register_factories)(Registry&);  ///< Called once, only if the checks pass.
};

/// Name of the exported symbol the host looks up.
inline constexpr const char* kPluginEntrySymbol = "neuralrg_plugin_v1";

}  // namespace neuralrg

/// Declares a plugin library. Use once per library, at namespace scope:
///   void register_all(neuralrg::Registry& r) { r.add_bijector(...); }
///   NEURALRG_PLUGIN("realnvp", "1.0.0", register_all)
#define NEURALRG_PLUGIN(NAME, VERSION, REGISTER_FUNCTION)                                   \
  namespace neuralrg_plugin_entry {                                                         \
  inline const ::neuralrg::PluginInfo* info() {                                             \
    static const ::neuralrg::PluginInfo value{NEURALRG_API_VERSION, NEURALRG_ABI_TAG, NAME, \
                                              VERSION, &REGISTER_FUNCTION};                 \
    return &value;                                                                          \
  }                                                                                         \
  }                                                                                         \
  BOOST_DLL_ALIAS(neuralrg_plugin_entry::info, neuralrg_plugin_v1)
