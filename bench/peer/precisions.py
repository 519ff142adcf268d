"""Both precisions of ours against the peer's best configuration (float32, 1 thread) at L = 16,
alternating fresh processes with compare.py's measuring functions (about 8 minutes): the training
epoch and peak memory of 20-epoch runs, then the latent HMC trajectory (bench_model hmc).

  /usr/bin/python3 bench/peer/precisions.py [double-build] [float-build]   (from the repository root)
"""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

B = sys.argv[1] if len(sys.argv) > 1 else "build"
F = sys.argv[2] if len(sys.argv) > 2 else "build-float"
with tempfile.TemporaryDirectory() as tmp:
    model = os.path.join(tmp, "model16.json")
    compare.run([os.path.join(B, "bin/bench_model"), "export", "16", model])
    print("same model:", compare.run(compare.PEER + ["check", model]).strip(), flush=True)
    o64, o32, peer, r64, r32, rp = [], [], [], [], [], []
    for r in range(3):
        s, m = compare.epoch_seconds_ours(B, tmp, 16, 20, 2, f"d{r}"); o64.append(s); r64.append(m)
        s, m = compare.epoch_seconds_ours(F, tmp, 16, 20, 2, f"f{r}"); o32.append(s); r32.append(m)
        s, m = compare.epoch_seconds_peer(model, 20, "float32", 1); peer.append(s); rp.append(m)
        print(f"epoch rep {r}: ours64 {o64[-1]:.4f} ({r64[-1]:.0f} MB), ours32 {o32[-1]:.4f} ({r32[-1]:.0f} MB), peer f32/1thr {peer[-1]:.4f} ({rp[-1]:.0f} MB)", flush=True)
    med = statistics.median
    print(f"epoch L=16: ours64 {med(o64):.4f} ({min(o64):.4f}-{max(o64):.4f}), ours32 {med(o32):.4f} ({min(o32):.4f}-{max(o32):.4f}), peer {med(peer):.4f} ({min(peer):.4f}-{max(peer):.4f}); peer/ours64 {med(peer)/med(o64):.2f}, peer/ours32 {med(peer)/med(o32):.2f}")
    print(f"peak RSS MB: ours64 {max(r64):.0f}, ours32 {max(r32):.0f}, peer {max(rp):.0f}; peer/ours32 {max(rp)/max(r32):.1f}", flush=True)
    h64, h32, hp = [], [], []
    for r in range(3):
        h32.append(float(compare.run([os.path.join(F, "bin/bench_model"), "hmc", "16", "3"]).split("\n")[1].split(",")[0]))
        h64.append(float(compare.run([os.path.join(B, "bin/bench_model"), "hmc", "16", "3"]).split("\n")[1].split(",")[0]))
        hp.append(float(compare.run(compare.PEER + ["hmc", model, "1", "--dtype", "float32", "--threads", "1"]).split("\n")[1].split(",")[1]))
        print(f"hmc rep {r}: ours32 {h32[-1]:.3f}, ours64 {h64[-1]:.3f}, peer f32/1thr {hp[-1]:.3f}", flush=True)
    print(f"hmc: ours32 {med(h32):.3f} ({min(h32):.3f}-{max(h32):.3f}), ours64 {med(h64):.3f}, peer {med(hp):.3f} ({min(hp):.3f}-{max(hp):.3f}); peer/ours32 {med(hp)/med(h32):.2f}, peer/ours64 {med(hp)/med(h64):.2f}")
