#!/bin/bash
# Variants spread over the ranks of a job, and run one per command (the jobs of a scheduler's
# array) into a shared directory: each variant's numbers equal its run on one process, and the
# comparison appears once the last variant has finished (or on `neuralrg report DIR`).
# Usage: mpi_variants.sh NEURALRG SOURCE_DIR MPIEXEC
set -euo pipefail
source "$(dirname "$0")/mpi_common.sh"
sed -e 's/epochs: 40/epochs: 20/' -e '/- sample:/d' "$source_dir/tests/distributed/small.yaml" \
  > variants.yaml
cat >> variants.yaml <<'YAML'
variants:
  - {name: mera, set: {flow.layout: mera}}
  - {name: tebd, set: {flow.layout: tebd}}
  - {name: tree, set: {flow.layout: tree}}
YAML
names=(mera tebd tree)

"$cli" run variants.yaml --out single --threads 2 > single.log 2>&1 || { cat single.log; fail "one process"; }

echo "-- three variants on two ranks"
ranks 2 run variants.yaml --out ranks --threads 1 > ranks.log 2>&1 || { cat ranks.log; fail "mpirun -np 2"; }
[[ -f ranks/comparison.csv ]] || fail "no comparison after the ranks finished"
for v in "${names[@]}"; do same_numbers "single/variants/$v" "ranks/variants/$v"; done

echo "-- one variant per command, all at once, into one directory"
pids=()
for v in "${names[@]}"; do
  "$cli" run variants.yaml --variant "$v" --out array --threads 1 > "array-$v.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { cat array-*.log; fail "a job of the array failed"; }; done
for v in "${names[@]}"; do same_numbers "single/variants/$v" "array/variants/$v"; done
[[ -f array/comparison.csv ]] || { cat array-*.log; fail "the last job wrote no comparison"; }
[[ $(grep -c -E "^(mera|tebd|tree)," array/comparison.csv) == 3 ]] || fail "comparison rows"
rm array/comparison.csv
"$cli" report array > report.log 2>&1 || { cat report.log; fail "neuralrg report on variants"; }
[[ -f array/comparison.csv ]] || fail "neuralrg report wrote no comparison"

echo "-- refusals"
status=0
"$cli" run variants.yaml --variant nope --out array > nope.log 2>&1 || status=$?
[[ $status == 2 ]] && grep -q "mera, tebd, tree" nope.log || { cat nope.log; fail "unknown variant"; }
status=0
"$cli" run variants.yaml --variant mera --out array --set seed=3 > other.log 2>&1 || status=$?
[[ $status == 1 ]] && grep -q "another configuration" other.log || { cat other.log; fail "other config joined"; }
status=0
ranks 2 run variants.yaml --variant mera --out array > ranked.log 2>&1 || status=$?
[[ $status == 1 ]] && grep -q "start this job with one rank" ranked.log || {
  cat ranked.log
  fail "--variant on 2 ranks"
}
