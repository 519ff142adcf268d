#!/usr/bin/env bash
# Runs a small pipeline with every stage, opens its report in headless Chromium (through the
# docs script users run by hand), and checks the page rendered: the browser's DOM holds every
# figure, and the screenshot is not blank.
#   report_screenshot.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
# Without a browser the test is skipped (exit 77, CTest's SKIP_RETURN_CODE), not failed: a user's
# machine may lack Chromium; .ci/run installs it, so CI always runs this test.
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]] || ! command -v python3 >/dev/null; then
  echo "skipped: needs chromium and python3 on PATH (apt-get install chromium python3)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/all-stages.yaml" <<'YAML'
name: all-stages
seed: 2
target: {plugin: ising_dual, L: 4, beta: 0.3}
flow: {block: {plugin: realnvp, couplings: 2, hidden: [8]}}
stages:
  - train: {optimizer: {plugin: adam, lr: 0.01}, batch: 64, epochs: 60, checkpoint_every: 0}
  - sample: {space: latent, sampler: {plugin: hmc, step_size: 0.2, leapfrog: 5}, chains: 32, warmup: 10, sweeps: 20}
  - sample: {space: physical, sampler: {plugin: metropolis, mode: independence}, chains: 32, warmup: 10, sweeps: 20}
  - analyze: {samples: 64, warmup: 10, response_samples: 16, grid: 8}
  - report: {}
YAML
"$build/bin/neuralrg" run "$work/all-stages.yaml" --out "$work/run" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
# 3 training figures, 3 observables + acceptance, each observable against sweeps and seconds,
# 4 response + 2 MI maps + moments + 2 grids.
expected=22
flags=(--headless --disable-gpu --no-first-run)
[[ $(id -u) -eq 0 ]] && flags+=(--no-sandbox)
rendered=$(timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/run/report.html" 2>/dev/null |
  grep -o '<svg' | wc -l)
if [[ $rendered -ne $expected ]]; then
  echo "report.html rendered $rendered figures, expected $expected" >&2
  exit 1
fi
bash "$source/docs/scripts/screenshot-report.sh" "$work/run" "$work/report.png"
python3 "$source/tests/report/check_screenshot.py" "$work/report.png" 0.05 100
echo "ok: $rendered figures rendered"
