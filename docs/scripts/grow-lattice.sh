#!/usr/bin/env bash
# Transfer across scales (docs/results.md): for shared: layer and shared: scale, the spline flow
# at β_c trained from scratch at L = 8, 16 and 32 and warm-started 8 → 16 → 32, the zero-shot
# bound of the L = 16 flows at L = 32 and 64, and a comparison page of the training curves.
#   docs/scripts/grow-lattice.sh OUT_DIR [THREADS]
# Each run is resumed if OUT_DIR already holds it, so the script can be stopped and started again.
set -euo pipefail
out=${1:?usage: $0 OUT_DIR [THREADS]}
threads=${2:-0}
neuralrg=${NEURALRG:-neuralrg}
pipeline=$(dirname "$(realpath "$0")")/../../pipelines/grow-lattice.yaml
mkdir -p "$out"
out=$(realpath "$out")
threads_option=()
[[ $threads -gt 0 ]] && threads_option=(--threads "$threads")

# train NAME L SHARING EPOCHS [WARM_FROM]
train() {
  local name=$1 L=$2 sharing=$3 epochs=$4 from=${5:-}
  if [[ -f $out/$name/config.yaml ]]; then
    "$neuralrg" run --resume "$out/$name" "${threads_option[@]}"
    return
  fi
  local args=(--set "target.L=$L" --set "flow.shared=$sharing" --set "stages.0.train.epochs=$epochs")
  [[ -n $from ]] && args+=(--set "stages.0.train.init_from=$out/$from")
  "$neuralrg" run "$pipeline" "${args[@]}" --out "$out/$name" "${threads_option[@]}"
}

for sharing in scale layer; do
  train "$sharing-L8" 8 "$sharing" 600
  train "$sharing-L16-cold" 16 "$sharing" 500
  train "$sharing-L16-warm" 16 "$sharing" 500 "$sharing-L8"
  train "$sharing-L32-cold" 32 "$sharing" 300
  train "$sharing-L32-warm" 32 "$sharing" 300 "$sharing-L16-warm"
  for L in 32 64; do
    "$neuralrg" evaluate "$out/$sharing-L16-cold" --set "target.L=$L" --json \
      "${threads_option[@]}" > "$out/$sharing-L16-at-L$L.json"
  done
done
"$neuralrg" compare "$out"/*-L*-cold "$out"/*-L*-warm "$out"/*-L8 --out "$out/comparison"
