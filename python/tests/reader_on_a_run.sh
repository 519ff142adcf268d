#!/usr/bin/env bash
# The Python reader on a fresh run directory: a short quickstart with saved samples, then
# python/tests/test_reader.py on it, the one-liner of docs/getting-started.md, and the
# learning-curve example when matplotlib is there.
# usage: reader_on_a_run.sh NEURALRG_BINARY SOURCE_DIR
set -euo pipefail
cli=$1 src=$2
# Debian's interpreter, where python3-numpy goes (a pyenv or venv python3 first on PATH may lack it).
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c "import numpy" 2>/dev/null; then
  echo "SKIP: $py has no numpy (Debian: apt-get install python3-numpy)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" run "$src/pipelines/quickstart.yaml" --threads 2 --out "$work/run" \
  --set stages.0.train.epochs=30 --set stages.1.sample.sweeps=20 \
  --set stages.1.sample.save_samples=true --set stages.2.sample.sweeps=20 \
  --set stages.3.analyze.samples=128 >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
"$py" "$src/python/tests/test_reader.py" "$work/run"
last=$(PYTHONPATH="$src/python" "$py" -c \
  "import neuralrg; r = neuralrg.read_run('$work/run'); print(r.metrics.relative_error[-1])")
expected=$(tail -1 "$work/run/metrics.csv" | cut -d, -f5)
"$py" -c "import sys; sys.exit(abs(float('$last') - float('$expected')) > 1e-12 * abs(float('$expected')))" ||
  { echo "read_run gave relative_error $last, metrics.csv says $expected"; exit 1; }
if "$py" -c "import matplotlib" 2>/dev/null; then
  PYTHONPATH="$src/python" "$py" "$src/python/examples/plot_learning_curve.py" "$work/run" \
    --out "$work/curve.png"
  [ -s "$work/curve.png" ] || { echo "no learning-curve picture"; exit 1; }
fi
echo "reader ok on $work/run"
