// Our side of the PyTorch peer benchmark (bench/peer/):
//   bench_model export L FILE.json   the model the peer must reproduce: hierarchy plan, weights,
//                                    target constants, and test configurations with our ln q(x)
//                                    and E(x), so the peer can prove it computes the same model
//   bench_model hmc L REPS [CHAINS]  seconds of one latent-space HMC trajectory (10 leapfrog
//                                    steps of 0.2) of all chains, as CSV: median,min,max
// Both use the default model (mera, Real NVP [4,10,10,10,4] ELU, 10 couplings, Z2) with
// checkerboard masks: the peer cannot replay our random-mask stream, and the masks' pattern
// changes no tensor size or operation count.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <cstdlib>
#include <fstream>

#include "config/yaml_document.hpp"
#include "neuralrg/exact.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/run_context.hpp"
#include "plugin/plugin_loader.hpp"
#include "sampling/sampling_spaces.hpp"
#include "timing.hpp"

using namespace neuralrg;

namespace {

std::string model_yaml(int L) {
  return fmt::format(R"(name: peer-benchmark
seed: 1
target: {{plugin: ising_dual, L: {}, beta: critical}}
flow: {{layout: mera, symmetrize: z2, block: {{plugin: realnvp, mask: checkerboard}}}}
stages: [{{train: {{optimizer: {{plugin: adam, lr: 1.0e-3, weight_decay: 1.0e-3}}, batch: 512}}}}]
)",
                     L);
}

std::string json_numbers(const Eigen::Ref<const Matrix>& m) {  // row-major, full precision
  std::string out = "[";
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c) out += fmt::format("{}{:.17g}", r + c ? "," : "", m(r, c));
  return out + "]";
}

int export_model(RunContext& ctx, int L, const char* file) {
  const Flow& flow = *ctx.flow;
  const auto& plan = flow.hierarchy().plan();
  std::string layers;
  for (const auto& layer : plan.layers)
    layers += fmt::format("{}{{\"blocks\": {}, \"index\": [{}]}}", layers.empty() ? "" : ",\n  ",
                          layer.blocks, fmt::join(layer.index, ","));
  std::string params;
  for (const Parameter* p : flow.parameters())
    params += fmt::format("{}{{\"name\": \"{}\", \"rows\": {}, \"cols\": {}, \"data\": {}}}",
                          params.empty() ? "" : ",\n  ", p->name, p->value.rows(), p->value.cols(),
                          json_numbers(p->value));
  // Test configurations: flow samples (typical) and Gaussian noise (atypical).
  Tape tape;
  tape.freeze_parameters(true);
  Rng rng = Rng::stream(5, "export");
  Matrix x(4, L * L);
  x.topRows(2) = flow.sample(tape, 2, rng).x.value();
  for (Index r = 2; r < 4; ++r)
    for (Index c = 0; c < x.cols(); ++c) x(r, c) = rng.normal();
  const Matrix log_q = flow.log_prob(tape.constant(x)).value();
  const Matrix energy = ctx.target->energy(tape.constant(x)).value();
  const auto dual = exact::ising2d_dual(L, exact::kIsingBetaCritical);
  std::ofstream(file) << fmt::format(
      "{{\"L\": {}, \"beta\": {:.17g}, \"offset\": {:.17g}, \"free_energy\": {:.17g},\n"
      "\"couplings\": 10, \"hidden\": [10, 10, 10],\n\"layers\": [{}],\n\"parameters\": [{}],\n"
      "\"test_x\": {}, \"test_log_q\": {}, \"test_energy\": {}}}\n",
      L, exact::kIsingBetaCritical, dual.offset, dual.free_energy, layers, params, json_numbers(x),
      json_numbers(log_q), json_numbers(energy));
  fmt::print("{}: {} layers, {} parameter tensors\n", file, plan.layers.size(),
             flow.parameters().size());
  return 0;
}

int time_hmc(RunContext& ctx, int repetitions, Index chains) {
  const PluginRegistry& registry = global_registry();
  Value section = parse_yaml("{plugin: hmc, step_size: 0.2, leapfrog: 10}", "bench");
  auto [entry, params] = registry.resolve(PluginKind::Sampler, section);
  auto sampler =
      std::get<SamplerFactory>(entry->factory)(params, SamplerContext{ctx.target.get(), "latent"});
  const LatentSpace space(*ctx.flow, *ctx.target);
  const Index chunk = std::max<Index>(1, (chains + 7) / 8);  // as the sample stage cuts chains
  const Index n_chunks = (chains + chunk - 1) / chunk;
  std::vector<ChainChunk> chunks(static_cast<std::size_t>(n_chunks));
  for (Index c = 0; c < n_chunks; ++c) {
    const Index rows = std::min(chunk, chains - c * chunk);
    ChainChunk& k = chunks[static_cast<std::size_t>(c)];
    Rng rng = Rng::stream(1, "bench.init", 0, static_cast<std::uint64_t>(c));
    k.state.resize(rows, space.dim());
    k.log_proposal.resize(rows, 1);
    k.energy.resize(rows, 1);
    k.accepted.setZero(rows, 1);
    space.propose(rng, k.state, k.log_proposal);
    space.energy(k.state, k.energy, nullptr);
  }
  std::uint64_t sweep = 0;
  const auto t = bench::time_repeated(repetitions, [&] {
    ++sweep;
    tbb::parallel_for(Index{0}, n_chunks, [&](Index c) {
      Rng rng = Rng::stream(1, "bench", sweep, static_cast<std::uint64_t>(c));
      sampler->sweep(space, chunks[static_cast<std::size_t>(c)], rng);
    });
  });
  fmt::print("median_s,min_s,max_s\n{:.4f},{:.4f},{:.4f}\n", t.median, t.min, t.max);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 4 || (mode != "export" && mode != "hmc")) {
    fmt::print(stderr, "usage: bench_model export L FILE.json | bench_model hmc L REPS [CHAINS]\n");
    return 2;
  }
  const int L = std::atoi(argv[2]);
  const PluginRegistry& registry = global_registry();
  const PipelineSpec spec =
      validate_pipeline(parse_yaml(model_yaml(L), "bench"), "bench", registry);
  RunContext ctx{spec, registry, {}, {}, {}, -1};
  build_model(ctx);
  if (mode == "export") return export_model(ctx, L, argv[3]);
  return time_hmc(ctx, std::atoi(argv[3]), argc > 4 ? std::atoi(argv[4]) : 512);
}
