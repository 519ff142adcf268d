"""A run directory of the toolkit (`neuralrg run ... --out DIR`), read into one object.

Files the run has not written (yet) read as None or as empty dicts; a malformed file raises
ValueError naming it (and the line, for text files).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._csv import read_csv, read_table, require_pandas
from ._files import read_json_object, read_npy
from .checkpoint import Checkpoint, read_checkpoint

_METRICS = re.compile(r"metrics(?:-stage(\d+))?\.csv")
_CHECKPOINT_DIR = re.compile(r"checkpoints(?:-stage(\d+))?")
_CHECKPOINT = re.compile(r"epoch-(\d+)\.ckpt")
_SERIES_DIR = re.compile(r"stage(\d+)")
_SAMPLES = re.compile(r"samples-stage(\d+)\.npy")
_SAMPLES_BIN = re.compile(r"samples-stage(\d+)\.bin")  # what builds before samples-*.npy wrote


@dataclass(repr=False)
class Run:
    """The outputs of one run directory.

    Tables are NumPy record arrays (``run.metrics.relative_error``), or pandas DataFrames when
    read with pandas=True. Stage keys are the stages' indices in the pipeline.
    """

    path: Path
    #: run.json: the resolved configuration and the sessions (each with its build, command line,
    #: threads, ranks, host, times and status), or None.
    info: dict | None
    #: The resolved configuration (run.json's "config"), or None.
    config: dict | None
    #: summary.json, or None.
    summary: dict | None
    #: Train stage → its metrics table (metrics.csv for stage 0, metrics-stage<i>.csv).
    train_metrics: dict[int, Any]
    #: observables.csv (every sample stage's rows), or None.
    observables: Any
    #: samplers.csv (each sample stage's samplers: share of moves, acceptance), or None.
    samplers: Any
    #: Sample stage → observable → per-measurement mean over all chains, shape (M,).
    series: dict[int, dict[str, np.ndarray]]
    #: Sample stage → observable → the same per group of consecutive chains, shape (G, M).
    series_groups: dict[int, dict[str, np.ndarray]]
    #: Sample stage → final chain configurations (chains, sites), for stages with save_samples.
    samples: dict[int, np.ndarray]
    #: analysis/ file name without extension → table, 2-D grid (headerless CSV) or array (.npy).
    analysis: dict[str, Any]
    #: Train stage → epoch → path of its periodic checkpoint (checkpoints/epoch-*.ckpt).
    checkpoints: dict[int, dict[int, Path]]

    @property
    def metrics(self):
        """The first train stage's metrics table (metrics.csv when stage 0 trains), or None."""
        return self.train_metrics[min(self.train_metrics)] if self.train_metrics else None

    def checkpoint(self, epoch: int | None = None, stage: int = 0) -> Checkpoint | None:
        """flow.ckpt (the trained flow), or with `epoch` the periodic checkpoint train stage
        `stage` took after that many epochs; None when there is no such file."""
        if epoch is None:
            path = self.path / "flow.ckpt"
            return read_checkpoint(path) if path.is_file() else None
        path = self.checkpoints.get(stage, {}).get(epoch)
        return read_checkpoint(path) if path else None

    def __repr__(self) -> str:
        name = self.config.get("name") if self.config else None
        return (
            f"Run({str(self.path)!r}, name={name!r}, train stages {sorted(self.train_metrics)}, "
            f"series stages {sorted(self.series)}, {len(self.analysis)} analysis files)"
        )


def read_run(path, pandas: bool = False) -> Run:
    """Reads the run directory `path`; tables become pandas DataFrames with pandas=True.

    Raises FileNotFoundError when `path` is not a directory, ImportError when pandas=True and
    pandas is not installed, and ValueError naming the file (and line) of a malformed file.
    """
    pd = require_pandas() if pandas else None
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such run directory")
    info = _optional(path / "run.json", read_json_object)
    config = info.get("config") if info else None
    if config is not None and not isinstance(config, dict):
        raise ValueError(f"{path / 'run.json'}: \"config\" is not a JSON object")
    series_dirs = _indexed(path / "series", _SERIES_DIR)
    samples = {i: _read_samples_bin(p) for i, p in _indexed(path, _SAMPLES_BIN).items()}
    samples.update({i: read_npy(p, 2) for i, p in _indexed(path, _SAMPLES).items()})
    return Run(
        path=path,
        info=info,
        config=config,
        summary=_optional(path / "summary.json", read_json_object),
        train_metrics={i: read_table(p, pd) for i, p in _indexed(path, _METRICS).items()},
        observables=_optional(path / "observables.csv", lambda p: read_table(p, pd)),
        samplers=_optional(path / "samplers.csv", lambda p: read_table(p, pd)),
        series={i: _read_series(d, groups=False) for i, d in series_dirs.items()},
        series_groups={i: _read_series(d, groups=True) for i, d in series_dirs.items()},
        samples=dict(sorted(samples.items())),
        analysis=_read_analysis(path / "analysis", pd),
        checkpoints={
            i: {int(m[1]): p for m, p in _matches(d, _CHECKPOINT)}
            for i, d in _indexed(path, _CHECKPOINT_DIR).items()
        },
    )


def _optional(path: Path, read):
    """read(path), or None when there is no such file."""
    return read(path) if path.is_file() else None


def _matches(directory: Path, pattern: re.Pattern) -> list[tuple[re.Match, Path]]:
    """The entries of `directory` whose whole names match `pattern`, sorted by name."""
    if not directory.is_dir():
        return []
    entries = sorted(directory.iterdir())
    return [(m, p) for p in entries if (m := pattern.fullmatch(p.name))]


def _indexed(directory: Path, pattern: re.Pattern) -> dict[int, Path]:
    """The entries `pattern` matches, by the stage index in its group 1 (0 when it is absent)."""
    found = {int(m[1] or 0): p for m, p in _matches(directory, pattern)}
    return dict(sorted(found.items()))


def _read_series(directory: Path, groups: bool) -> dict[str, np.ndarray]:
    """observable → series (NAME.npy, 1-D) or group series (NAME.groups.npy, 2-D)."""
    out = {}
    for p in sorted(directory.glob("*.npy")):
        name = p.name.removesuffix(".npy")
        if name.endswith(".groups") == groups:
            out[name.removesuffix(".groups")] = read_npy(p, 2 if groups else 1)
    return out


def _read_analysis(directory: Path, pd) -> dict[str, Any]:
    """analysis/*.csv (tables and grids) and analysis/*.npy by file name without extension."""
    if not directory.is_dir():
        return {}
    out = {}
    for p in sorted(directory.iterdir()):
        if p.suffix == ".csv":
            out[p.stem] = read_csv(p, pd)
        elif p.suffix == ".npy":
            out[p.stem] = read_npy(p)
    return out


def _read_samples_bin(path: Path) -> np.ndarray:
    """The chain configurations in a samples-stage<i>.bin file (a checkpoint with tensor x)."""
    checkpoint = read_checkpoint(path)
    if "x" not in checkpoint.parameters:
        raise ValueError(f"{path}: holds no tensor x")
    return checkpoint.parameters["x"]
