#!/usr/bin/python3
"""NeuralRG against the lean PyTorch peer (neuralrg_torch.py), run alternately on this machine.

  bench/peer/compare.py [--build build] [--float-build build-float] [--reps 3] [--out bench/results]

Prints a table of medians (min-max over repetitions) and each row's ratio to ours in float64, and
writes
OUT/peer.csv, OUT/scaling.csv and OUT/scaling.svg (seconds per epoch against N = L^2).
Each repetition of a training measurement is one fresh process; its value is the median of the
per-epoch times after the first epoch. Ours runs through `neuralrg run` (what users run).
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's python3-torch belongs to /usr/bin/python3, whatever python3 is first on PATH.
PEER = ["/usr/bin/python3", os.path.join(HERE, "neuralrg_torch.py")]
PEER_CONFIGS = [("float64", 1), ("float64", 2), ("float32", 1), ("float32", 2)]


def run(cmd):
    """Runs cmd; returns its stdout."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return proc.stdout


def run_measured(cmd):
    """Runs cmd with its own rusage; returns (stdout, peak RSS in MB)."""
    with tempfile.TemporaryFile("w+") as out:
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.execvp(cmd[0], cmd)
        _, status, usage = os.wait4(pid, 0)
        if status != 0:
            sys.exit(f"failed ({status}): {' '.join(cmd)}")
        out.seek(0)
        return out.read(), usage.ru_maxrss / 1024.0


def ours_pipeline(tmp, L, epochs):
    path = os.path.join(tmp, f"ours-{L}.yaml")
    with open(path, "w") as f:
        f.write(f"""name: bench-L{L}
seed: 1
target: {{plugin: ising_dual, L: {L}, beta: critical}}
flow: {{layout: mera, symmetrize: z2, block: {{plugin: realnvp, mask: checkerboard}}}}
stages:
  - train: {{optimizer: {{plugin: adam, lr: 1.0e-3, weight_decay: 1.0e-3}}, batch: 512, epochs: {epochs}, checkpoint_every: 0}}
""")
    return path


def epoch_seconds_ours(build, tmp, L, epochs, threads, tag):
    out_dir = os.path.join(tmp, f"run-{L}-{threads}-{tag}")
    _, rss = run_measured([os.path.join(build, "bin/neuralrg"), "run", ours_pipeline(tmp, L, epochs),
                           "--out", out_dir, "--threads", str(threads)])
    seconds = [float(line.split(",")[-1]) for line in open(os.path.join(out_dir, "metrics.csv")).read().split("\n")[1:] if line]
    return statistics.median([b - a for a, b in zip(seconds[:-1], seconds[1:])][1:] or [seconds[-1]]), rss


def epoch_seconds_peer(model, epochs, dtype, threads):
    out, rss = run_measured(PEER + ["train", model, str(epochs), "--dtype", dtype, "--threads", str(threads)])
    seconds = [float(line.split(",")[1]) for line in out.split("\n")[1:] if line]
    return statistics.median(seconds[1:]), rss


def summary(values):
    return statistics.median(values), min(values), max(values)


def csv_of(rows):
    return "measurement,implementation,median_s,min_s,max_s,ratio_to_ours_float64\n" + "".join(
        f"{m},{impl},{a:.4f},{b:.4f},{c:.4f},{r}\n" for m, impl, (a, b, c), r in rows)


def scaling_svg(series, path):
    """Log-log plot of seconds per epoch against N: series is [(label, colour, [(N, s)])]."""
    w, h, left, right, top, bottom = 560, 380, 70, 20, 36, 50
    xs = [n for _, _, points in series for n, _ in points]
    ys = [t for _, _, points in series for _, t in points]
    lx0, lx1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    ly0, ly1 = math.log10(min(ys)) - 0.2, math.log10(max(ys)) + 0.3
    px = lambda n: left + (math.log10(n) - lx0) / (lx1 - lx0) * (w - left - right)
    py = lambda t: h - bottom - (math.log10(t) - ly0) / (ly1 - ly0) * (h - top - bottom)
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif">',
         f'<rect width="{w}" height="{h}" fill="white"/>',
         f'<text x="{w/2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">Training epoch (batch 512) against system size</text>',
         f'<rect x="{left}" y="{top}" width="{w-left-right}" height="{h-top-bottom}" fill="none" stroke="#333"/>']
    for e in range(math.floor(ly0), math.ceil(ly1) + 1):
        for m in (1, 2, 5):
            t = m * 10 ** e
            if ly0 <= math.log10(t) <= ly1:
                s.append(f'<line x1="{left}" x2="{w-right}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#ddd"/>'
                         f'<text x="{left-5}" y="{py(t)+4:.1f}" text-anchor="end" font-size="11">{t:g}</text>')
    for n in sorted(set(xs)):
        s.append(f'<line x1="{px(n):.1f}" x2="{px(n):.1f}" y1="{top}" y2="{h-bottom}" stroke="#ddd"/>'
                 f'<text x="{px(n):.1f}" y="{h-bottom+15}" text-anchor="middle" font-size="11">{n}</text>')
    s.append(f'<text x="{left+(w-left-right)/2}" y="{h-10}" text-anchor="middle" font-size="12">sites N = L²</text>')
    s.append(f'<text transform="translate(16,{top+(h-top-bottom)/2}) rotate(-90)" text-anchor="middle" font-size="12">seconds per epoch</text>')
    for k, (label, colour, points) in enumerate(series):
        path_d = "".join(f"{'M' if i == 0 else 'L'}{px(n):.1f},{py(t):.1f}" for i, (n, t) in enumerate(points))
        s.append(f'<path d="{path_d}" stroke="{colour}" stroke-width="2" fill="none"/>')
        s += [f'<circle cx="{px(n):.1f}" cy="{py(t):.1f}" r="3.5" fill="{colour}"/>' for n, t in points]
        s.append(f'<line x1="{left+12}" x2="{left+32}" y1="{top+16+16*k}" y2="{top+16+16*k}" stroke="{colour}" stroke-width="2"/>'
                 f'<text x="{left+36}" y="{top+20+16*k}" font-size="11">{label}</text>')
    s.append("</svg>\n")
    open(path, "w").write("\n".join(s))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--float-build", default=None,
                    help="also measure a -DNEURALRG_SCALAR=float build (rows 'ours (float32)')")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default="bench/results")
    ap.add_argument("--sizes", default="8,16,32", help="lattice sizes compared with the peer")
    ap.add_argument("--scaling", default="8,16,32,64,128", help="lattice sizes of our scaling run")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sizes = [int(v) for v in args.sizes.split(",")]
    bench_model = os.path.join(args.build, "bin/bench_model")
    rows = []
    fb = args.float_build
    float_lines = []  # the peer's best against our float build, printed after the table

    def add_float_row(measurement, values, ours64, peer_best):
        f = summary(values)
        rows.append((measurement, "ours (float32, 2 threads)", f, f"{f[0] / ours64:.2f}"))
        float_lines.append(f"{measurement}: peer (best) / ours (float32) = {peer_best / f[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        models = {}
        for L in sizes:
            models[L] = os.path.join(tmp, f"model-{L}.json")
            run([bench_model, "export", str(L), models[L]])
        check = run(PEER + ["check", models[sizes[0]]])
        print(f"same model (L = {sizes[0]}, float64): {check.strip()}")

        # Training epochs: ours (2 threads) and the peer in each precision and thread count,
        # alternating, fresh processes. At L > 16 only the peer's best configuration at L = 16.
        best_peer = None
        scaling_ours, scaling_peer, scaling_float = [], [], []
        for L in sizes:
            epochs = 8 if L <= 16 else 4
            configs = PEER_CONFIGS if best_peer is None or L <= 16 else [best_peer]
            ours, ours32, peers = [], [], {c: [] for c in configs}
            for rep in range(args.reps):
                ours.append(epoch_seconds_ours(args.build, tmp, L, epochs, 2, rep)[0])
                if fb:
                    ours32.append(epoch_seconds_ours(fb, tmp, L, epochs, 2, f"f{rep}")[0])
                for c in configs:
                    peers[c].append(epoch_seconds_peer(models[L], epochs, *c)[0])
            o = summary(ours)
            rows.append((f"train_epoch_L{L}", "ours (float64, 2 threads)", o, "1.00"))
            for c, values in peers.items():
                p = summary(values)
                rows.append((f"train_epoch_L{L}", f"peer ({c[0]}, {c[1]} threads)", p, f"{p[0] / o[0]:.2f}"))
            if L == 16 or best_peer is None:
                best_peer = min(configs, key=lambda c: statistics.median(peers[c]))
            if fb:
                add_float_row(f"train_epoch_L{L}", ours32, o[0], statistics.median(peers[best_peer]))
            scaling_peer.append((L * L, statistics.median(peers[best_peer]) if best_peer in peers else float("nan")))
            print(f"L = {L}: ours {o[0]:.3f} s/epoch", flush=True)

        # Flow passes and the latent HMC trajectory at L = 16, the peer in its best configuration.
        L = 16 if 16 in sizes else sizes[0]
        dtype, threads = best_peer
        ours_gen, ours_inf, peer_gen, peer_inf, ours_hmc, peer_hmc = [], [], [], [], [], []
        float_gen, float_inf, float_hmc = [], [], []

        def flow_passes(build, gen, inf):
            out = run([os.path.join(build, "bin/bench_flow"), "3", str(L)])
            for line in out.split("\n")[1:]:
                f = line.split(",")
                if len(f) > 3 and f[2] == "2":
                    (gen if f[0] == "generative" else inf if f[0] == "inference" else []).append(float(f[3]))

        for rep in range(args.reps):
            flow_passes(args.build, ours_gen, ours_inf)
            if fb:
                flow_passes(fb, float_gen, float_inf)
                out = run([os.path.join(fb, "bin/bench_model"), "hmc", str(L), "2"])
                float_hmc.append(float(out.split("\n")[1].split(",")[0]))
            out = run(PEER + ["passes", models[L], "3", "--dtype", dtype, "--threads", str(threads)])
            for line in out.split("\n")[1:]:
                f = line.split(",")
                if len(f) > 1:
                    (peer_gen if f[0] == "generative" else peer_inf).append(float(f[1]))
            out = run([bench_model, "hmc", str(L), "2"])
            ours_hmc.append(float(out.split("\n")[1].split(",")[0]))
            out = run(PEER + ["hmc", models[L], "1", "--dtype", dtype, "--threads", str(threads)])
            peer_hmc.append(float(out.split("\n")[1].split(",")[1]))
        peer_label = f"peer ({dtype}, {threads} threads)"
        for name, o, p in (("generative_pass", ours_gen, peer_gen), ("inference_pass", ours_inf, peer_inf),
                           ("latent_hmc_trajectory", ours_hmc, peer_hmc)):
            rows.append((f"{name}_L{L}", "ours (float64, 2 threads)", summary(o), "1.00"))
            rows.append((f"{name}_L{L}", peer_label, summary(p), f"{statistics.median(p) / statistics.median(o):.2f}"))
        if fb:
            for name, o, f, p in (("generative_pass", ours_gen, float_gen, peer_gen),
                                  ("inference_pass", ours_inf, float_inf, peer_inf),
                                  ("latent_hmc_trajectory", ours_hmc, float_hmc, peer_hmc)):
                add_float_row(f"{name}_L{L}", f, statistics.median(o), statistics.median(p))

        # Our cost against system size (fixed batch 512), and thread scaling at L = 16.
        for n in [int(v) for v in args.scaling.split(",")]:
            t, rss = epoch_seconds_ours(args.build, tmp, n, 6 if n <= 32 else 3, 2, "scaling")
            scaling_ours.append((n * n, t))
            print(f"scaling: L = {n}: {t:.3f} s/epoch, peak {rss:.0f} MB", flush=True)
            if fb:
                t, rss = epoch_seconds_ours(fb, tmp, n, 6 if n <= 32 else 3, 2, "scaling-f")
                scaling_float.append((n * n, t))
                print(f"scaling (float32): L = {n}: {t:.3f} s/epoch, peak {rss:.0f} MB", flush=True)
        one, two = [], []
        for rep in range(args.reps):
            one.append(epoch_seconds_ours(args.build, tmp, L, 8, 1, f"t1-{rep}")[0])
            two.append(epoch_seconds_ours(args.build, tmp, L, 8, 2, f"t2-{rep}")[0])
        rows.append((f"train_epoch_L{L}_threads", "ours (float64, 1 thread)", summary(one), "—"))
        rows.append((f"train_epoch_L{L}_threads", "ours (float64, 2 threads)", summary(two),
                     f"speed-up {statistics.median(one) / statistics.median(two):.2f}"))

        # Peak memory of a 20-epoch training run at L = 16.
        _, ours_rss = epoch_seconds_ours(args.build, tmp, L, 20, 2, "memory")
        _, peer_rss = epoch_seconds_peer(models[L], 20, dtype, threads)
        rows.append((f"peak_rss_MB_L{L}", "ours (float64, 2 threads)", (ours_rss,) * 3, "1.00"))
        rows.append((f"peak_rss_MB_L{L}", peer_label, (peer_rss,) * 3, f"{peer_rss / ours_rss:.2f}"))
        if fb:
            _, float_rss = epoch_seconds_ours(fb, tmp, L, 20, 2, "memory-f")
            add_float_row(f"peak_rss_MB_L{L}", [float_rss], ours_rss, peer_rss)

    open(os.path.join(args.out, "peer.csv"), "w").write(csv_of(rows))
    with open(os.path.join(args.out, "scaling.csv"), "w") as f:
        f.write("implementation,N,s_per_epoch\n")
        f.write("".join(f"ours,{n},{t:.4f}\n" for n, t in scaling_ours))
        f.write("".join(f"peer,{n},{t:.4f}\n" for n, t in scaling_peer))
        f.write("".join(f"ours_float32,{n},{t:.4f}\n" for n, t in scaling_float))
    series = [("NeuralRG, float64", "#1f77b4", scaling_ours)]
    if scaling_float:
        series.append(("NeuralRG, float32", "#2ca02c", scaling_float))
    series.append(("PyTorch peer (best config)", "#d62728", [pt for pt in scaling_peer if pt[1] == pt[1]]))
    scaling_svg(series, os.path.join(args.out, "scaling.svg"))
    print(f"\n{'measurement':<28} {'implementation':<28} {'median':>9} {'min–max':>17} {'÷ ours64':>9}")
    for m, impl, (a, b, c), r in rows:
        print(f"{m:<28} {impl:<28} {a:>9.3f} {f'{b:.3f}–{c:.3f}':>17} {r:>9}")
    for line in float_lines:
        print(line)
    print("\nours, seconds per epoch against N (batch 512): " +
          ", ".join(f"N={n}: {t:.3f}" for n, t in scaling_ours))
    if len(scaling_ours) > 1:
        (n0, t0), (n1, t1) = scaling_ours[0], scaling_ours[-1]
        print(f"growth exponent between N={n0} and N={n1}: {math.log(t1 / t0) / math.log(n1 / n0):.2f} (1 = linear)")
    print(f"\nwritten: {args.out}/peer.csv, {args.out}/scaling.csv, {args.out}/scaling.svg")


if __name__ == "__main__":
    main()
