#!/usr/bin/env bash
# The .deb: cpack makes it, dpkg -x unpacks it into a temporary root (no install on this machine),
# and from there neuralrg finds its plugins, trains a 20-epoch L = 4 pipeline, and the SDK builds
# docs/examples/hello_plugin. Also checks the package declares its dependencies and the RUNPATHs.
#   deb_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  if ! command -v $tool >/dev/null; then
    echo "skipped: no $tool on PATH (apt-get install dpkg-dev)"
    exit 77
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/neuralrg_*.deb)
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libtbb libyaml-cpp libfmt libstdc++6; do
  grep -q "$lib" <<<"$depends" || { echo "Depends lacks $lib"; exit 1; }
done
dpkg-deb -c "$deb" >"$work/contents"
for file in ./usr/bin/neuralrg ./usr/share/man/man1/neuralrg.1 \
  ./usr/share/bash-completion/completions/neuralrg ./usr/include/neuralrg/bijector.hpp \
  ./usr/lib/cmake/NeuralRG/NeuralRGConfig.cmake ./usr/share/doc/neuralrg/getting-started.md \
  ./usr/lib/glibc-hwcaps/x86-64-v3/libneuralrg.so.0; do
  grep -q " $file" "$work/contents" || { echo "the package lacks $file"; exit 1; }
done

root=$work/root
dpkg -x "$deb" "$root"
bash "$source/tests/install/check_runpaths.sh" "$root/usr/bin/neuralrg" "$root/usr"
listing=$("$root/usr/bin/neuralrg" plugins)
grep -q "^spline .*$root/usr/lib/neuralrg/plugins" <<<"$listing" ||
  { echo "$listing"; echo "the unpacked CLI does not load its own plugins"; exit 1; }
man -l "$root/usr/share/man/man1/neuralrg.1" 2>/dev/null | grep -q "resume" ||
  ! command -v man >/dev/null || { echo "the man page does not render"; exit 1; }

cat >"$work/tiny.yaml" <<'YAML'
name: tiny
seed: 3
target: {plugin: ising_dual, L: 4, beta: critical}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [8]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 64, epochs: 20, checkpoint_every: 0}
YAML
"$root/usr/bin/neuralrg" run "$work/tiny.yaml" --out "$work/run" --threads 2 >"$work/run.log" 2>&1 ||
  { cat "$work/run.log"; exit 1; }
test "$(wc -l <"$work/run/metrics.csv")" -eq 21  # header + 20 epochs

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$source/docs/examples/hello_plugin" -B "$work/hello" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$root/usr" >/dev/null
cmake --build "$work/hello" >/dev/null
NEURALRG_PLUGIN_PATH="$work/hello" "$root/usr/bin/neuralrg" plugins | grep -q "^hello_shift "
echo "the .deb works unpacked"
