#!/usr/bin/env python3
"""Projected epoch time and efficiency of data-parallel training on R ranks, from numbers measured
on this machine (bench/mpi_scaling writes them) and a stated network.

    python3 bench/mpi_projection.py [bench/results]

Model (docs/scaling.md): an epoch on R ranks costs
    compute  = c(L) * chunk * ceil(chunks / R)         c(L): seconds per sample on one core
    combine  = 2 * log2(R) * (alpha + 8 P / beta)      the gradient tree's cross-rank levels, then
                                                       the broadcast of the total (binomial tree)
where P is the parameter count and chunks = batch / chunk. Ranks beyond the chunk count idle, so
the speed-up stops at R = chunks: the place where it stops scaling.
"""
import csv
import math
import sys
from pathlib import Path

NETWORKS = {  # latency alpha (s), bandwidth beta (bytes/s)
    "InfiniBand HDR (2 µs, 25 GB/s)": (2e-6, 25e9),
    "10 GbE TCP (30 µs, 1.2 GB/s)": (30e-6, 1.2e9),
}
BATCH = 512


def measured(results: Path):
    memory = list(csv.DictReader(open(results / "mpi_memory.csv")))
    scaling = list(csv.DictReader(open(results / "mpi_scaling.csv")))
    t1 = sorted(float(r["seconds_per_epoch"]) for r in scaling if r["config"] == "t1")
    per_sample = {16: t1[len(t1) // 2] / BATCH}
    params = {16: int(next(r["parameters"] for r in scaling_params(results)))}
    for r in memory:  # one process with two threads: seconds per epoch × 2 cores / batch
        if r["processes"] == "1":
            per_sample[int(r["L"])] = float(r["seconds_per_epoch"]) * 2 / BATCH
            params[int(r["L"])] = int(r["parameters"])
    return per_sample, params


def scaling_params(results: Path):
    return csv.DictReader(open(results / "mpi_l16_parameters.csv"))


def chunk_of(L: int) -> int:  # the train stage's automatic chunk size (train_stage.cpp)
    return max(1, min(max(1, min(256, (1 << 16) // (L * L))), (BATCH + 7) // 8))


def main():
    results = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results")
    per_sample, params = measured(results)
    for network, (alpha, beta) in NETWORKS.items():
        print(f"\n{network}\n")
        print("| L | P | chunks | c (s/sample) | 1 core s/epoch | R | s/epoch | combine s | efficiency |")
        print("|---|---|---|---|---|---|---|---|---|")
        for L in sorted(per_sample):
            c, P, chunk = per_sample[L], params[L], chunk_of(L)
            n = math.ceil(BATCH / chunk)
            serial = c * BATCH
            for R in (8, 64, 512):
                compute = c * chunk * math.ceil(n / R)
                combine = 2 * math.log2(R) * (alpha + 8 * P / beta)
                epoch = compute + combine
                print(f"| {L} | {P} | {n} | {c:.2e} | {serial:.2f} | {R} | {epoch:.3g} | "
                      f"{combine:.2e} | {serial / (R * epoch):.1%} |")


if __name__ == "__main__":
    main()
