#!/bin/bash
# What goes wrong on several ranks ends cleanly: ranks given different configurations are refused
# before anything is written; a rank killed mid-run ends the job (no hang) and leaves a run that
# resumes, on another number of ranks, to the numbers of an uninterrupted run; so does a stop
# (SIGTERM to mpirun).
# A stop (SIGUSR1, which mpirun forwards) while rank 0 alone runs an analyze stage ends every
# rank.
# Usage: mpi_failures.sh NEURALRG SOURCE_DIR MPIEXEC
set -euo pipefail
source "$(dirname "$0")/mpi_common.sh"
sed -e 's/epochs: 40/epochs: 5000/' -e '/- sample:/d' "$source_dir/tests/distributed/small.yaml" \
  > long.yaml
"$cli" run long.yaml --out reference --threads 2 > reference.log 2>&1

echo "-- a rank with another configuration is refused"
status=0
"$mpiexec" --oversubscribe --bind-to none -np 1 "$cli" run long.yaml --out mixed --threads 1 : \
  -np 1 "$cli" run long.yaml --set seed=12 --out mixed --threads 1 > mixed.log 2>&1 || status=$?
[[ $status == 1 ]] || { cat mixed.log; fail "mismatched ranks: exit status $status, expected 1"; }
grep -q "rank 1: configuration" mixed.log || { cat mixed.log; fail "the refusal names no rank"; }
[[ ! -e mixed ]] || fail "a refused job left a run directory"

# Starts a two-rank run, waits until it has checkpointed, then calls "$@" on it.
start_then() {
  local dir=$1
  shift
  ranks 2 run long.yaml --out "$dir" --threads 1 > "$dir.log" 2>&1 &
  job=$!
  for _ in $(seq 600); do
    [[ $(ls "$dir/checkpoints" 2>/dev/null | wc -l) -ge 2 ]] && break
    sleep 0.1
  done
  "$@"
  local begin=$SECONDS
  status=0
  wait "$job" || status=$?
  echo "job ended with status $status after $((SECONDS - begin)) s"
  ((SECONDS - begin < 60)) || fail "the job took $((SECONDS - begin)) s to end"
}

rank_pid() {  # the pid of rank $1 of this test's job (not of another job on the machine)
  for p in $(pgrep -x neuralrg); do
    [[ $(readlink "/proc/$p/cwd") == "$work" ]] || continue
    grep -qz "^OMPI_COMM_WORLD_RANK=$1\$" "/proc/$p/environ" 2>/dev/null && echo "$p" && return
  done
  fail "no rank $1 found"
}

kill_rank() { kill -KILL "$(rank_pid "$1")"; }
stop_job() { pkill -TERM -P "$job"; }  # the launcher, child of the backgrounded subshell

echo "-- rank 1 killed"
start_then killed kill_rank 1
[[ $status != 0 ]] || fail "a job whose rank was killed exited 0"
[[ -f killed/config.yaml ]] || fail "the killed job left no run directory"
ranks 3 run --resume killed --threads 1 > killed-resume.log 2>&1 || {
  cat killed-resume.log
  fail "the killed run did not resume on 3 ranks"
}
same_numbers reference killed

echo "-- stopped with SIGTERM"
start_then stopped stop_job
[[ $status != 0 ]] || fail "a stopped job exited 0"
"$cli" run --resume stopped --threads 2 > stopped-resume.log 2>&1 || {
  cat stopped.log stopped-resume.log
  fail "the stopped run did not resume on one process"
}
same_numbers reference stopped

echo "-- stopped with SIGUSR1 during a stage rank 0 runs alone"
sed -e 's/epochs: 40/epochs: 20/' -e '/- sample:/d' "$source_dir/tests/distributed/small.yaml" \
  > analyze.yaml
echo "  - analyze: {samples: 4096, warmup: 1000}" >> analyze.yaml
ranks 2 run analyze.yaml --out analyzed --threads 1 > analyzed.log 2>&1 &
job=$!
for _ in $(seq 600); do
  grep -q "stage 1 (analyze)" analyzed.log 2>/dev/null && break
  sleep 0.1
done
sleep 1
pkill -USR1 -P "$job"
begin=$SECONDS
(sleep 30 && pkill -KILL -P "$job") &  # a hang fails the test instead of stalling CI
watchdog=$!
status=0
wait "$job" || status=$?
kill "$watchdog" 2> /dev/null || true
echo "job ended with status $status after $((SECONDS - begin)) s"
((SECONDS - begin < 20)) || fail "the stopped job took $((SECONDS - begin)) s to end (a rank waited)"
[[ $status != 0 ]] || fail "a stopped job exited 0"
grep -q "neuralrg run --resume" analyzed.log || { cat analyzed.log; fail "no resume advice"; }
ranks 2 run --resume analyzed --set stages.1.analyze.samples=128 --allow-config-change \
  --threads 1 > analyzed-resume.log 2>&1 || { cat analyzed-resume.log; fail "no resume after the stop"; }
