#!/bin/bash
# One process, and 1, 2, 3 and 4 ranks, give the same metrics, observables, trained flow and
# saved samples, bit for bit (3 ranks do not divide the 8 chunks: the fixed tree needs no divisor).
# Usage: mpi_equivalence.sh NEURALRG SOURCE_DIR MPIEXEC
set -euo pipefail
source "$(dirname "$0")/mpi_common.sh"
pipeline=$source_dir/tests/distributed/small.yaml

"$cli" run "$pipeline" --out single --threads 2 > single.log
for n in 1 2 3 4; do
  ranks "$n" run "$pipeline" --out "np$n" --threads 1 > "np$n.log" 2>&1 || {
    cat "np$n.log"
    fail "mpirun -np $n failed"
  }
  grep -q "run directory: np$n" "np$n.log" || fail "np$n.log lacks rank 0's output"
  same_numbers single "np$n"
  cmp -s single/samples-stage2.npy "np$n/samples-stage2.npy" || fail "np$n: saved samples differ"
  [[ $(grep -c "^train done" "np$n.log") == 1 ]] || fail "np$n: only rank 0 may print"
  [[ $(grep -c "^sample2 done" "np$n.log") == 1 ]] || fail "np$n: only rank 0 may report sampling"
  echo "np $n: identical to one process"
done
