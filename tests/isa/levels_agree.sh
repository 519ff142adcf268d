#!/usr/bin/env bash
# The instruction-set levels compute the same model: a short run of the quickstart pipeline (spline
# and Real NVP blocks, training, latent HMC) at every level this CPU supports, forced with
# $NEURALRG_ISA, gives the same metrics and observables as the portable level, up to TOLERANCE
# (relative, per number). Not bit for bit: the levels contract a·b + c into one FMA where the
# portable code rounds twice, and Eigen's reductions add 2, 4 or 8 lanes at a time.
#   levels_agree.sh CLI SOURCE_DIR TOLERANCE
set -euo pipefail
cli=$1
source=$2
tolerance=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The levels this build has and this CPU runs (a build without NEURALRG_ISA_LEVELS has one).
levels=()
for level in x86-64 x86-64-v3 x86-64-v4; do
  NEURALRG_ISA=$level "$cli" --version >/dev/null 2>&1 && levels+=("$level")
done
if [[ ${#levels[@]} -lt 2 || ${levels[0]} != x86-64 ]]; then
  echo "skipped: only ${levels[*]:-no level} can run here"
  exit 77
fi

run() {  # run LEVEL BLOCK
  NEURALRG_ISA=$1 "$cli" --version | grep -q "^kernels: $1 " || { echo "not running at $1"; exit 1; }
  NEURALRG_ISA=$1 "$cli" run "$source/pipelines/quickstart.yaml" --out "$work/$1-$2" --threads 2 \
    --set "flow.block={plugin: $2, couplings: 2, hidden: [8]}" \
    --set "stages=[{train: {optimizer: {plugin: adam, lr: 0.01}, batch: 64, epochs: 20, checkpoint_every: 0}}, {sample: {space: latent, sampler: {plugin: hmc, step_size: 0.2, leapfrog: 5}, chains: 16, warmup: 5, sweeps: 10}}]" \
    >"$work/$1-$2.log" 2>&1 || { cat "$work/$1-$2.log"; exit 1; }
}

# Compares two CSV files number by number, skipping columns whose header names a time.
compare() {
  awk -F, -v tol="$tolerance" -v a="$1" -v b="$2" '
    NR == FNR { rows[FNR] = $0; next }
    FNR == 1 { for (i = 1; i <= NF; ++i) timed[i] = ($i ~ /seconds|elapsed|per_second/); next }
    {
      n = split(rows[FNR], x, ",")
      if (n != NF) { printf "%s:%d: %d cells against %d\n", b, FNR, NF, n; bad = 1; next }
      for (i = 1; i <= NF; ++i) {
        if (timed[i] || x[i] == $i) continue
        if (x[i] !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) { printf "%s:%d: %s vs %s\n", b, FNR, x[i], $i; bad = 1; continue }
        d = x[i] - $i; d = d < 0 ? -d : d
        s = x[i] < 0 ? -x[i] : x[i]; s = s < 1e-300 ? 1 : s
        if (d / s > tol) { printf "%s:%d col %d: %s vs %s (relative %.2g > %s)\n", b, FNR, i, x[i], $i, d / s, tol; bad = 1 }
        if (d / s > worst) worst = d / s
      }
    }
    END { printf "%s vs %s: largest relative difference %.2g\n", a, b, worst; exit bad }' "$1" "$2"
}

status=0
for block in spline realnvp; do
  for level in "${levels[@]}"; do run "$level" "$block"; done
  for level in "${levels[@]:1}"; do
    for file in metrics.csv observables.csv; do
      compare "$work/x86-64-$block/$file" "$work/$level-$block/$file" || status=1
    done
  done
done
exit $status
