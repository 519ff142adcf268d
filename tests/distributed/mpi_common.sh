# Shared by the MPI tests: the launcher, as root where needed, on one node without spinning cores.
cli=$1
source_dir=$2
mpiexec=$3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_MCA_mpi_yield_when_idle=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# mpirun -np N neuralrg ARGS...: oversubscribed (CI has 2 cores), unbound, one thread per rank.
ranks() {
  local n=$1
  shift
  "$mpiexec" --oversubscribe --bind-to none -np "$n" "$cli" "$@"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A run's numbers without its timings: metrics.csv without seconds, observables.csv without
# seconds and ess_per_second.
numbers() {
  cut -d, -f1-8 "$1/metrics.csv"
  if [[ -f $1/observables.csv ]]; then cut -d, -f1-9,12- "$1/observables.csv"; fi
}

same_numbers() {
  diff <(numbers "$1") <(numbers "$2") > /dev/null || {
    diff <(numbers "$1") <(numbers "$2") | head -20 >&2
    fail "$1 and $2 differ"
  }
  cmp -s "$1/flow.ckpt" "$2/flow.ckpt" || fail "$1/flow.ckpt and $2/flow.ckpt differ"
}
