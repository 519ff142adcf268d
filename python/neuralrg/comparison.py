"""The comparison a pipeline with variants writes: DIR/comparison.csv (one row per variant, mean
± standard error over its seeds), DIR/comparison-runs.csv (one row per run; absent in directories
of older builds) and DIR/variants/NAME/ run directories. The columns change between versions, so every table is read generically by its
header."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._csv import read_table, require_pandas
from .run import Run, read_run


@dataclass(repr=False)
class Comparison:
    """comparison.csv as `table`, comparison-runs.csv as `runs` (or None) and the variants' run
    directories by name."""

    path: Path
    table: Any
    runs: Any
    variants: dict[str, Path]

    def run(self, name: str, pandas: bool = False) -> Run:
        """The run directory of variant `name`, read by read_run."""
        return read_run(self.variants[name], pandas=pandas)

    def __repr__(self) -> str:
        return f"Comparison({str(self.path)!r}, variants {list(self.variants)})"


def read_comparison(path, pandas: bool = False) -> Comparison:
    """Reads the comparison in the variants directory `path` (the --out of a pipeline with
    variants); tables become pandas DataFrames with pandas=True.

    Raises FileNotFoundError when there is no comparison.csv and ValueError naming the file and
    line of a malformed table.
    """
    pd = require_pandas() if pandas else None
    path = Path(path)
    runs = path / "comparison-runs.csv"
    return Comparison(
        path=path,
        table=read_table(path / "comparison.csv", pd),
        runs=read_table(runs, pd) if runs.is_file() else None,
        variants=_variant_dirs(path / "variants"),
    )


def _variant_dirs(directory: Path) -> dict[str, Path]:
    """The run directories in `directory` by name (none when it does not exist), leaving out the
    hidden staging folders of runs being created."""
    if not directory.is_dir():
        return {}
    return {d.name: d for d in sorted(directory.iterdir()) if d.is_dir() and d.name[0] != "."}
