#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a working NeuralRG:
#   scripts/bootstrap.sh run    install what is missing, build, run pipelines/quickstart.yaml
#   scripts/bootstrap.sh test   install what is missing, build, run the whole test suite
# BUILD_DIR (default build) and JOBS (default: all cores) can be set in the environment;
# NEURALRG_WERROR=ON makes warnings errors (CI sets it; a user's build never fails on a warning).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}

# OpenMPI: `mpirun -np R neuralrg run ...` (docs/scaling.md); without it neuralrg runs as one
# process.
packages=(g++ cmake ninja-build libboost-dev libeigen3-dev libtbb-dev libyaml-cpp-dev libfmt-dev
          doctest-dev libcli11-dev nlohmann-json3-dev libopenmpi-dev openmpi-bin)
# The tests also open a report in a real browser and check its screenshot, and build the .deb.
[ "$mode" = test ] && packages+=(chromium python3 python3-numpy python3-yaml python3-jsonschema dpkg-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The test suite does not need the benchmarks (bench/run builds them itself).
bench=ON
[ "$mode" = test ] && bench=OFF
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEURALRG_BUILD_BENCH=$bench \
  -DNEURALRG_WERROR="${NEURALRG_WERROR:-OFF}" >/dev/null
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
  run) "$build_dir/bin/neuralrg" run pipelines/quickstart.yaml ;;
  test) ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
