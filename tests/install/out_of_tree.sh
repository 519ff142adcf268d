#!/usr/bin/env bash
# Installs NeuralRG to a temporary prefix, builds docs/examples/hello_plugin and the φ⁴ tutorial
# plugin (docs/examples/phi4) against it with find_package(NeuralRG), checks the installed CLI
# loads them through NEURALRG_PLUGIN_PATH, runs the φ⁴ conformance checks and trains NeuralRG on
# φ⁴ for a few epochs.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Ninja where present (faster), CMake's default generator otherwise.
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
bash "$source_dir/tests/install/check_runpaths.sh" "$work/prefix/bin/neuralrg" "$work/prefix"
cmake -S "$source_dir/docs/examples/hello_plugin" -B "$work/hello" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/hello" >/dev/null
# No build type chosen: the plugin package makes it Release (an unoptimised block is 2× slower).
grep -q "^CMAKE_BUILD_TYPE:STRING=Release$" "$work/hello/CMakeCache.txt"

listing=$(NEURALRG_PLUGIN_PATH="$work/hello" "$work/prefix/bin/neuralrg" plugins)
echo "$listing"
grep -q "^hello_shift .*bijector .*1.0.0 .*$work/hello/\(glibc-hwcaps/[^/]*/\)\?libneuralrg_hello.so" <<<"$listing"
# The installed plugins are found from the install prefix, not the build tree.
if [ -n "$(ls "$work/prefix/lib/neuralrg/plugins" 2>/dev/null)" ]; then
  grep -q "$work/prefix/lib/neuralrg/plugins" <<<"$listing"
fi
"$work/prefix/bin/neuralrg" plugins --describe hello_shift --plugin-path "$work/hello" | grep -q "^  c "

cmake -S "$source_dir/docs/examples/phi4" -B "$work/phi4" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/phi4" >/dev/null
"$work/phi4/check_phi4"
# The tutorial's pipeline, shortened: a few epochs, a few sweeps.
NEURALRG_PLUGIN_PATH="$work/phi4" "$work/prefix/bin/neuralrg" run \
  "$source_dir/docs/examples/phi4/phi4.yaml" --out "$work/phi4-run" \
  --set stages.0.train.epochs=5 --set stages.0.train.batch=32 \
  --set stages.1.sample.chains=8 --set stages.1.sample.warmup=2 --set stages.1.sample.sweeps=4 \
  --set stages.2.sample.chains=8 --set stages.2.sample.warmup=2 --set stages.2.sample.sweeps=4
test "$(wc -l <"$work/phi4-run/metrics.csv")" -eq 6      # header + 5 epochs
grep -q "^1,hmc,latent,G_4," "$work/phi4-run/observables.csv"
grep -q "<svg" "$work/phi4-run/report.html"

# A new bijector block: the conformance kit, then a few epochs of training with it.
cmake -S "$source_dir/docs/examples/additive_coupling" -B "$work/additive" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/additive" >/dev/null
"$work/additive/check_additive_coupling"
NEURALRG_PLUGIN_PATH="$work/additive:$work/phi4" "$work/prefix/bin/neuralrg" run \
  "$source_dir/docs/examples/phi4/phi4.yaml" --out "$work/additive-run" \
  --set flow.block="{plugin: additive_coupling, layers: 2, hidden: 8}" \
  --set stages="[{train: {optimizer: {plugin: adam}, epochs: 3, batch: 16}}]"
test "$(wc -l <"$work/additive-run/metrics.csv")" -eq 4
echo "out-of-tree plugins OK"
