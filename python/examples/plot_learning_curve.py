"""Redraws a run's learning curve from its metrics files.

    PYTHONPATH=python python3 python/examples/plot_learning_curve.py RUN_DIR [--out FILE.png]

Left: the relative error of each epoch's free-energy bound against the epoch, on a log axis,
with its running mean over max(1, epochs / 50) epochs as in report.html (batches whose bound
falls below the exact value by chance have a negative error and are not drawn). Right: the same
against the `seconds` column, the wall-clock time since the train stage started (cumulative,
counting the earlier sessions of a resumed run; millisecond resolution). A target without an
exact or reference free energy has no relative error: the bound itself is drawn instead.
Every train stage of the run is a line of its own.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402

import neuralrg  # noqa: E402


def running_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean over the trailing `window` values (fewer at the start), skipping non-finite ones,
    as the report's running mean."""
    finite = np.isfinite(values)
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, values, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    end = np.arange(1, len(values) + 1)
    begin = np.maximum(0, end - window)
    n = counts[end] - counts[begin]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (sums[end] - sums[begin]) / n, np.nan)


def plot(run: neuralrg.Run, out: Path) -> None:
    relative = any(np.isfinite(m.relative_error).any() for m in run.train_metrics.values())
    column, label = (
        ("relative_error", "(F_q − F_exact) / |F_exact|")
        if relative
        else ("loss_mean", "variational bound ⟨ln q + E⟩")
    )
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True, constrained_layout=True)
    for stage, metrics in run.train_metrics.items():
        values = metrics[column]
        window = max(1, len(values) // 50)
        smooth = running_mean(values, window)
        for ax, x in zip(axes, (metrics.epoch, metrics.seconds)):
            (line,) = ax.plot(x, values, lw=0.6, alpha=0.35)
            ax.plot(x, smooth, color=line.get_color(), lw=1.6,
                    label=f"stage {stage}" + (f" (mean of {window} epochs)" if window > 1 else ""))
    axes[0].set_xlabel("epoch")
    axes[1].set_xlabel("wall-clock time since the train stage started (s)")
    axes[0].set_ylabel(label)
    if relative:
        axes[0].set_yscale("log", nonpositive="mask")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    name = run.config.get("name") if run.config else run.path.name
    fig.suptitle(f"{name}: learning curve")
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path, help="a run directory of `neuralrg run`")
    parser.add_argument("--out", type=Path,
                        help="the PNG to write (default: RUN-learning-curve.png here, RUN the "
                        "run directory's name)")
    args = parser.parse_args()
    run = neuralrg.read_run(args.run_dir)
    if not run.train_metrics:
        parser.error(f"{args.run_dir} has no metrics*.csv: no train stage has run there")
    out = args.out or Path(f"{args.run_dir.resolve().name}-learning-curve.png")
    plot(run, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
