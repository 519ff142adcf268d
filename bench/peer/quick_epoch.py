"""The five-minute version of compare.py: the L = 16 training epoch and peak memory of ours
(neuralrg run, default chunk, 2 threads) against the peer's best configuration (float32, 1 thread),
alternating fresh processes, with compare.py's own measuring functions.

  /usr/bin/python3 bench/peer/quick_epoch.py [repetitions] [build-dir] [double-build-dir]

The same-model check compares ln q in float64 to 1e-8, so the model is exported by a double build
(the third argument, default: the build measured); a float build (-DNEURALRG_SCALAR=float) can then
be measured against the same peer.
"""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
build = sys.argv[2] if len(sys.argv) > 2 else "build"
double_build = sys.argv[3] if len(sys.argv) > 3 else build
with tempfile.TemporaryDirectory() as tmp:
    model = os.path.join(tmp, "model16.json")
    compare.run([os.path.join(double_build, "bin/bench_model"), "export", "16", model])
    print("same model:", compare.run(compare.PEER + ["check", model]).strip(), flush=True)
    ours, peer, ours_rss, peer_rss = [], [], [], []
    for r in range(reps):
        s, rss = compare.epoch_seconds_ours(build, tmp, 16, 20, 2, f"r{r}")
        ours.append(s); ours_rss.append(rss)
        s, rss = compare.epoch_seconds_peer(model, 20, "float32", 1)
        peer.append(s); peer_rss.append(rss)
        print(f"rep {r}: ours {ours[-1]:.4f} s ({ours_rss[-1]:.0f} MB), peer {peer[-1]:.4f} s ({peer_rss[-1]:.0f} MB)", flush=True)
    mo, mp = statistics.median(ours), statistics.median(peer)
    print(f"epoch L=16: ours {mo:.4f} ({min(ours):.4f}-{max(ours):.4f}), peer f32/1thr {mp:.4f} ({min(peer):.4f}-{max(peer):.4f}), ratio {mp/mo:.2f}")
    print(f"peak RSS: ours {max(ours_rss):.0f} MB, peer {max(peer_rss):.0f} MB, ratio {max(peer_rss)/max(ours_rss):.2f}")
