#!/usr/bin/env bash
# Installs NeuralRG to a temporary prefix, builds docs/examples/hello_plugin against it with
# find_package(NeuralRG), and checks the installed CLI loads it through NEURALRG_PLUGIN_PATH.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/docs/examples/hello_plugin" -B "$work/hello" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/hello" >/dev/null

listing=$(NEURALRG_PLUGIN_PATH="$work/hello" "$work/prefix/bin/neuralrg" plugins)
echo "$listing"
grep -q "^hello_shift .*bijector .*1.0.0 .*$work/hello/libneuralrg_hello.so" <<<"$listing"
# The installed plugins are found from the install prefix, not the build tree.
if [ -n "$(ls "$work/prefix/lib/neuralrg/plugins" 2>/dev/null)" ]; then
  grep -q "$work/prefix/lib/neuralrg/plugins" <<<"$listing"
fi
"$work/prefix/bin/neuralrg" plugins --describe hello_shift --plugin-path "$work/hello" | grep -q "^  c "
echo "out-of-tree plugin OK"
