"""Checks the neuralrg reader against a real run directory, and on synthetic files in temporary
directories for what that run lacks.

    python3 python/tests/test_reader.py RUN_DIR

A plain script (no pytest): prints each check that fails and each one it skips, and exits with
status 1 when any failed. It reads the package from this checkout (python/neuralrg).
"""

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

PYTHON_DIR = Path(__file__).resolve().parents[1]
REPO = PYTHON_DIR.parent
sys.path.insert(0, str(PYTHON_DIR))

import neuralrg  # noqa: E402  (after the path of this checkout)
from neuralrg.checkpoint import MAGIC  # noqa: E402
from reader_support import (Checks, as_float, csv_lines, encode_checkpoint,  # noqa: E402
                            head, same)

FLOAT_CORPUS = REPO / "tests/fuzz/corpus/fuzz_checkpoint/valid_float.ckpt"
DOUBLE_CORPUS = REPO / "tests/fuzz/corpus/fuzz_checkpoint/valid.ckpt"


# ---- the real run directory -------------------------------------------------------------------


def test_metrics(c: Checks, run_dir: Path, run) -> None:
    files = sorted(run_dir.glob("metrics*.csv"))
    c.check(len(run.train_metrics) == len(files), "train_metrics has a table per metrics*.csv")
    if not files:
        c.skip(f"no metrics*.csv in {run_dir}")
        return
    for path in files:
        stage = 0 if path.name == "metrics.csv" else int(path.stem.removeprefix("metrics-stage"))
        table = run.train_metrics.get(stage)
        header, rows = csv_lines(path)
        c.check(table is not None and len(table) == len(rows),
                f"{path.name}: {len(rows)} rows (lines minus header) read")
        if table is None:
            continue
        c.check(list(table.dtype.names) == header, f"{path.name}: columns {header}")
        column = header.index("relative_error")
        expected = [as_float(row[column]) for row in rows]
        c.check(same(table.relative_error, expected),
                f"{path.name}: relative_error equals the text parsed as float")
        c.check(same(table["epoch"], range(len(rows))), f"{path.name}: epochs 0, 1, 2, …")
    c.check(run.metrics is run.train_metrics[min(run.train_metrics)],
            "metrics is the first train stage's table")


def test_checkpoint(c: Checks, run_dir: Path, run) -> None:
    flow = run.checkpoint()
    if flow is None:
        c.skip(f"no flow.ckpt in {run_dir}")
        return
    # flow.ckpt holds the last train stage's weights after all its epochs (rows 0 … epochs − 1).
    if run.train_metrics:
        last = run.train_metrics[max(run.train_metrics)]
        c.check(len(last) and flow.epoch == int(last["epoch"][-1]) + 1,
                f"flow.ckpt epoch {flow.epoch} is the last metrics epoch + 1")
    c.check(not flow.optimizer, "flow.ckpt holds no optimizer state")
    if run.config:
        c.check(flow.seed == run.config.get("seed"), "flow.ckpt seed is the configuration's")
    data = (run_dir / "flow.ckpt").read_bytes()
    declared = {}
    for line in data.split(b"\nend\n", 1)[0].decode().split("\n"):
        fields = line.split()
        if fields[:2] == ["tensor", "param"]:
            declared[fields[2]] = (int(fields[3]), int(fields[4]))
    c.check({k: v.shape for k, v in flow.parameters.items()} == declared,
            "flow.ckpt parameters have the shapes the header declares, in its order")
    c.check(all(np.isfinite(v).all() for v in flow.parameters.values()),
            "flow.ckpt parameters are finite")
    # The stage's final periodic checkpoint is saved from the same weights just before flow.ckpt.
    final = run.checkpoint(epoch=flow.epoch, stage=max(run.checkpoints, default=0))
    if final is None:
        c.skip(f"no periodic checkpoint of epoch {flow.epoch}")
    else:
        c.check(final.epoch == flow.epoch and final.optimizer != {},
                "the final periodic checkpoint has its epoch and optimizer state")
        c.check(all(np.array_equal(final.parameters[k], v) for k, v in flow.parameters.items()),
                "the final periodic checkpoint holds flow.ckpt's weights")
    for stage, files in run.checkpoints.items():
        for epoch, path in files.items():
            c.check(neuralrg.read_checkpoint(path).epoch == epoch, f"{path}: epoch as named")

    with tempfile.TemporaryDirectory() as tmp:
        if flow.has_checksum:
            flipped = bytearray(data)
            flipped[-5] ^= 0x10  # in the last tensor's data
            (Path(tmp) / "flipped.ckpt").write_bytes(flipped)
            c.raises(lambda: neuralrg.read_checkpoint(Path(tmp) / "flipped.ckpt"),
                     "flow.ckpt with a byte flipped", "flipped.ckpt", "checksum")
        else:
            c.skip("flow.ckpt has no checksum line: no corruption test")
        (Path(tmp) / "short.ckpt").write_bytes(data[:-3])
        c.raises(lambda: neuralrg.read_checkpoint(Path(tmp) / "short.ckpt"),
                 "flow.ckpt truncated in its data", "short.ckpt", "truncated")
        (Path(tmp) / "head.ckpt").write_bytes(data[:40])
        c.raises(lambda: neuralrg.read_checkpoint(Path(tmp) / "head.ckpt"),
                 "flow.ckpt truncated in its header", "head.ckpt", "no end line")
        (Path(tmp) / "long.ckpt").write_bytes(data + b"\0")
        c.raises(lambda: neuralrg.read_checkpoint(Path(tmp) / "long.ckpt"),
                 "flow.ckpt with a byte appended", "long.ckpt", "declares")


def test_observables(c: Checks, run_dir: Path, run) -> None:
    path = run_dir / "observables.csv"
    if not path.is_file():
        c.check(run.observables is None, "no observables.csv: observables is None")
        c.skip(f"no observables.csv in {run_dir}")
        return
    header, rows = csv_lines(path)
    table = run.observables
    c.check(len(table) == len(rows) and list(table.dtype.names) == header,
            "observables.csv: every row and column read")
    c.check(table["mean"].dtype == np.float64 and table.observable.dtype.kind == "U",
            "observables.csv: mean is numeric, observable is text")
    c.check(same(table["mean"], [as_float(r[header.index("mean")]) for r in rows]),
            "observables.csv: mean equals the text parsed as float")
    samplers = run.samplers
    c.check(samplers is not None and set(samplers.stage) == set(table.stage)
            and bool(((samplers.acceptance >= 0) & (samplers.acceptance <= 1)).all()),
            "samplers.csv: a row for every sample stage, acceptances in [0, 1]")
    if not run.series:
        c.skip("no series/ directory: series not compared with observables.csv")
    for stage, observables in run.series.items():
        for name, series in observables.items():
            row = (table.stage == stage) & (table.observable == name)
            c.check(row.sum() == 1, f"observables.csv has a row for stage {stage} {name}")
            if row.sum() == 1:
                mean = table["mean"][row][0]
                c.check(abs(series.mean() - mean) <= 1e-9 * abs(mean),
                        f"stage {stage} {name}: series mean {series.mean()!r} is {mean!r}")
            groups = run.series_groups.get(stage, {}).get(name)
            c.check(groups is not None and groups.ndim == 2 and groups.shape[1] == len(series),
                    f"stage {stage} {name}: group series of shape (G, {len(series)})")


def test_run_json(c: Checks, run_dir: Path, run) -> None:
    if not (run_dir / "run.json").is_file():
        c.check(run.info is None and run.config is None, "no run.json: info and config None")
        c.skip(f"no run.json in {run_dir}")
        return
    c.check(isinstance(run.config, dict) and isinstance(run.config.get("name"), str),
            "run.json: config['name'] is a string")
    c.check(isinstance(run.info.get("sessions"), list), "run.json: sessions is a list")
    summary = run_dir / "summary.json"
    c.check((run.summary is not None) == summary.is_file(), "summary read when present")


def test_samples(c: Checks, run_dir: Path, run) -> None:
    if not run.samples:
        c.skip("no samples-stage*.npy or .bin: samples not checked")
    for stage, x in run.samples.items():
        c.check(x.ndim == 2 and np.isfinite(x).all(), f"samples of stage {stage}: finite, 2-D")
        stages = (run.config or {}).get("stages", [])
        expected = stages[stage].get("sample", {}).get("chains") if stage < len(stages) else None
        if expected is not None:
            c.check(x.shape[0] == expected, f"samples of stage {stage}: {expected} chains")


# ---- synthetic files ----------------------------------------------------------------------------


def test_float_checkpoint(c: Checks, run_dir: Path) -> None:
    found = [p for p in sorted(run_dir.rglob("*.ckpt")) if b"\nscalar float\n" in head(p)]
    if not found and FLOAT_CORPUS.is_file():
        found = [FLOAT_CORPUS]
    if not found:
        c.skip("no checkpoint written in float precision in the run or the repository")
        return
    for path in found:
        f = neuralrg.read_checkpoint(path)
        c.check(f.scalar == "float" and all(v.dtype == np.float32 for v in f.parameters.values()),
                f"{path}: float tensors")
        if path == FLOAT_CORPUS and DOUBLE_CORPUS.is_file():
            d = neuralrg.read_checkpoint(DOUBLE_CORPUS)
            c.check(all(np.array_equal(d.parameters[k], v) for k, v in f.parameters.items()),
                    f"{path.name} holds the values of {DOUBLE_CORPUS.name}")


def test_checkpoint_layout(c: Checks, tmp: Path) -> None:
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    m = np.array([[0.5], [-0.5], [0.25], [8.0]])
    tensors = [("param", "0:w", w), ("optimizer", "m", m)]
    for scalar in ("double", "float"):
        for checksum in (True, False):
            path = tmp / f"{scalar}-{checksum}.ckpt"
            path.write_bytes(encode_checkpoint(12, 2**64 - 1, scalar, tensors, checksum))
            k = neuralrg.read_checkpoint(path)
            c.check((k.epoch, k.seed, k.scalar, k.has_checksum) == (12, 2**64 - 1, scalar, checksum)
                    and np.array_equal(k.parameters["0:w"], w)
                    and np.array_equal(k.optimizer["m"], m),
                    f"synthetic {scalar} checkpoint (checksum {checksum}): column-major read")
    good = encode_checkpoint(12, 7, "double", tensors)
    path = tmp / "bad.ckpt"
    bad_headers = {
        b"epoch 12\n": (b"epoch -1\n", "epoch -1"),
        b"seed 7\n": (b"seed 7x\n", "seed 7x"),
        b"scalar double\n": (b"scalar half\n", "scalar type half"),
        b"tensor param 0:w 2 3\n": (b"tensor weights 0:w 2 3\n", "tensor group weights"),
        b"tensor optimizer m 4 1\n": (b"tensor optimizer m 4 99999999\n", "out of range"),
    }
    for old, (new, words) in bad_headers.items():
        path.write_bytes(good.replace(old, new, 1))
        c.raises(lambda: neuralrg.read_checkpoint(path), f"header {new!r}", "bad.ckpt", words)
    path.write_bytes(good.replace(MAGIC, b"NEURALRG-CHECKPOINT 2\n"))
    c.raises(lambda: neuralrg.read_checkpoint(path), "another format version", "wrong magic")
    path.write_bytes(good.replace(b"seed 7\n", b""))
    c.raises(lambda: neuralrg.read_checkpoint(path), "no seed line", "lacks its epoch or seed")
    c.raises(lambda: neuralrg.read_checkpoint(tmp), "a directory", "not a regular file")


def test_empty_run(c: Checks, tmp: Path) -> None:
    empty = tmp / "empty"
    empty.mkdir()
    try:
        r = neuralrg.read_run(empty)
    except Exception:  # noqa: BLE001
        c.check(False, f"read_run on an empty directory raised:\n{traceback.format_exc()}")
        return
    c.check(all(v is None for v in (r.info, r.config, r.summary, r.metrics, r.observables,
                                    r.checkpoint(), r.checkpoint(epoch=5)))
            and not any((r.train_metrics, r.series, r.series_groups, r.samples, r.analysis,
                         r.checkpoints)),
            "read_run on an empty directory: None and empty dicts")


def test_new_files(c: Checks, run_dir: Path, tmp: Path) -> None:
    """run.json, summary.json, series, samples and latent moments in a copy of the run."""
    copy = tmp / "copy"
    shutil.copytree(run_dir, copy, ignore=shutil.ignore_patterns("checkpoint*", "*.ckpt"))
    config = {"name": "synthetic", "seed": 1, "stages": [{"train": {"epochs": 3}}]}
    (copy / "run.json").write_text(json.dumps({
        "format": 1, "version": "0.0", "abi": "1", "kernels": "generic", "source_revision": None,
        "config": config,
        "sessions": [{"command": ["neuralrg", "run"], "overrides": [], "threads": 1, "ranks": 1,
                      "host": "h", "started": "2024-01-01T00:00:00Z", "finished": None,
                      "status": "running"}]}))
    (copy / "summary.json").write_text('{"format": 1, "training": [{"final_ess": null}]}')
    series = copy / "series" / "stage7"
    series.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    np.save(series / "zeta.npy", rng.normal(size=20))
    np.save(series / "zeta.groups.npy", rng.normal(size=(4, 20)))
    np.save(copy / "samples-stage7.npy", np.asfortranarray(rng.normal(size=(5, 16))))
    (copy / "analysis").mkdir(exist_ok=True)
    np.save(copy / "analysis" / "latent_moments.npy", rng.normal(size=(4, 16)))
    r = neuralrg.read_run(copy)
    c.check(r.config == config and r.info["sessions"][0]["status"] == "running",
            "synthetic run.json: info and config")
    c.check(r.summary == {"format": 1, "training": [{"final_ess": None}]}, "synthetic summary")
    c.check(r.series[7]["zeta"].shape == (20,) and r.series_groups[7]["zeta"].shape == (4, 20)
            and list(r.series[7]) == ["zeta"], "synthetic series and group series")
    c.check(r.samples[7].shape == (5, 16), "synthetic samples-stage7.npy")
    c.check(r.analysis["latent_moments"].shape == (4, 16), "synthetic analysis/latent_moments.npy")

    (copy / "run.json").write_text('{"format": 1,\n "config": {"name": }\n}')
    c.raises(lambda: neuralrg.read_run(copy), "malformed run.json", "run.json:2")
    (copy / "run.json").unlink()
    np.save(series / "zeta.npy", np.zeros((2, 2)))
    c.raises(lambda: neuralrg.read_run(copy), "a 2-D series", "zeta.npy", "1-D")
    (series / "zeta.npy").write_bytes(b"not an array")
    c.raises(lambda: neuralrg.read_run(copy), "a series that is no .npy file", "zeta.npy")
    shutil.rmtree(copy / "series")
    if (copy / "metrics.csv").is_file():
        with open(copy / "metrics.csv", "a") as f:
            f.write("1,2,3\n")
        lines = (copy / "metrics.csv").read_text().count("\n")
        c.raises(lambda: neuralrg.read_run(copy), "a short metrics row",
                 f"metrics.csv:{lines}", "expected")


def test_comparison(c: Checks, tmp: Path) -> None:
    root = tmp / "variants-run"
    for name in ("a", "b", ".c.partial-12"):  # the last: a run directory being created
        (root / "variants" / name).mkdir(parents=True)
    (root / "comparison.csv").write_text("variant,status,final_relative_error,stage1_r_hat\n"
                                         "a,completed,0.01,1.002\nb,failed (1),,\n")
    cmp = neuralrg.read_comparison(root)
    c.check(list(cmp.table.variant) == ["a", "b"] and np.isnan(cmp.table.stage1_r_hat[1])
            and cmp.runs is None and list(cmp.variants) == ["a", "b"],
            "comparison.csv without comparison-runs.csv")
    (root / "comparison-runs.csv").write_text("variant,seed,final_relative_error\na,1,0.01\n"
                                              "a,2,0.02\nb,1,0.03\n")
    cmp = neuralrg.read_comparison(root)
    c.check(list(cmp.runs.seed) == [1, 2, 1] and cmp.run("a").metrics is None,
            "comparison-runs.csv and a variant's run")


def test_csv_cells(c: Checks, tmp: Path) -> None:
    path = tmp / "mixed.csv"
    path.write_text("a,b,c,d\n1,x,,nan\n2.5e-3,,,-inf\n")
    from neuralrg._csv import read_csv
    t = read_csv(path)
    c.check(t.a.dtype == np.float64 and list(t.b) == ["x", ""] and np.isnan(t.c).all()
            and np.isnan(t.d[0]) and t.d[1] == -np.inf, "CSV: numbers, text, empty cells")
    path.write_text("1,2\n3,\n")
    g = read_csv(path)
    c.check(g.shape == (2, 2) and np.isnan(g[1, 1]), "CSV: a headerless grid")
    path.write_text("1,2\n3,x\n")
    c.raises(lambda: read_csv(path), "CSV: text in a grid", "mixed.csv:2")


def test_pandas(c: Checks, run_dir: Path) -> None:
    if importlib.util.find_spec("pandas") is None:
        try:
            neuralrg.read_run(run_dir, pandas=True)
        except ImportError as error:
            c.check("pandas" in str(error), "pandas=True without pandas: a clear ImportError")
            c.skip("pandas is not installed: DataFrames not tested")
        else:
            c.check(False, "pandas=True without pandas raised nothing")
        return
    r = neuralrg.read_run(run_dir, pandas=True)
    a = neuralrg.read_run(run_dir)
    if a.metrics is not None:
        c.check(same(r.metrics.relative_error.to_numpy(), a.metrics.relative_error),
                "pandas metrics equal the record array's")
    if a.observables is not None:
        c.check(list(r.observables.columns) == list(a.observables.dtype.names),
                "pandas observables columns")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path, help="a run directory of `neuralrg run`")
    run_dir = parser.parse_args().run_dir
    c = Checks()
    try:
        run = neuralrg.read_run(run_dir)
    except Exception:  # noqa: BLE001
        print(f"FAIL: read_run({str(run_dir)!r}) raised:\n{traceback.format_exc()}")
        return 1
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for test in (
            lambda: test_metrics(c, run_dir, run),
            lambda: test_checkpoint(c, run_dir, run),
            lambda: test_observables(c, run_dir, run),
            lambda: test_run_json(c, run_dir, run),
            lambda: test_samples(c, run_dir, run),
            lambda: test_float_checkpoint(c, run_dir),
            lambda: test_checkpoint_layout(c, tmp),
            lambda: test_empty_run(c, tmp),
            lambda: test_new_files(c, run_dir, tmp),
            lambda: test_comparison(c, tmp),
            lambda: test_csv_cells(c, tmp),
            lambda: test_pandas(c, run_dir),
        ):
            try:
                test()
            except Exception:  # noqa: BLE001  (report it and go on with the other tests)
                c.check(False, f"unexpected exception:\n{traceback.format_exc()}")
    print(f"{c.passed} checks passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
