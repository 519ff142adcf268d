"""The CSV files of a run directory, read the way the toolkit's own reader reads them.

The C++ writes plain cells separated by commas, without quoting (core/util/csv.cpp): a line is
split at every comma, empty lines are skipped, and so is a last row without its newline (what a
crash during an append leaves). A column becomes float64 when every non-empty
cell in it is a number (its empty cells become NaN) and otherwise stays text. Tables with a
header line become NumPy record arrays, or pandas DataFrames when asked for; headerless grids of
numbers (response maps, sample pictures) become 2-D float64 arrays.
"""

import re
from pathlib import Path

import numpy as np

# What the C++ writes for a number, including the nan and inf fmt prints; stricter than float(),
# which would also take "1_000" or " 1".
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE
)


def is_number(cell: str) -> bool:
    """Whether `cell` is a whole number in decimal notation (or nan, inf)."""
    return _NUMBER.fullmatch(cell) is not None


def require_pandas():
    """The pandas module, or an ImportError saying that pandas=True needs it."""
    try:
        import pandas
    except ImportError as error:
        raise ImportError(
            "pandas=True needs pandas, which is not installed; "
            "use pandas=False for NumPy record arrays"
        ) from error
    return pandas


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    """The non-empty lines of `path` as (line number from 1, cells)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None
    lines = text.split("\n")
    # After the first line, text without its newline is a row an interrupted append left
    # incomplete (metrics.csv after a crash), possibly cut inside a number: not data.
    if len(lines) > 1:
        lines[-1] = ""
    return [(number, line.split(",")) for number, line in enumerate(lines, 1) if line]


def _column(cells: list[str]) -> np.ndarray:
    """float64 when every non-empty cell is a number (empty → NaN), else the text."""
    if all(not cell or is_number(cell) for cell in cells):
        return np.array([float(cell) if cell else np.nan for cell in cells], dtype=np.float64)
    return np.array(cells, dtype=str)


def _table(path: Path, lines: list[tuple[int, list[str]]], pandas):
    """The table in `lines`, the first of them its header."""
    header_number, header = lines[0]
    if "" in header or len(set(header)) != len(header):
        raise ValueError(f"{path}:{header_number}: empty or repeated column names: {header}")
    for number, cells in lines[1:]:
        if len(cells) != len(header):
            raise ValueError(
                f"{path}:{number}: expected {len(header)} cells as in the header, got {len(cells)}"
            )
    columns = {name: _column([cells[k] for _, cells in lines[1:]]) for k, name in enumerate(header)}
    if pandas is not None:
        return pandas.DataFrame(columns)
    return np.rec.fromarrays(list(columns.values()), names=header)


def _grid(path: Path, lines: list[tuple[int, list[str]]]) -> np.ndarray:
    """The grid of numbers in `lines`, one row per line (empty cells → NaN)."""
    width = len(lines[0][1]) if lines else 0
    for number, cells in lines:
        if len(cells) != width:
            raise ValueError(f"{path}:{number}: expected {width} numbers, got {len(cells)}")
        for cell in cells:
            if cell and not is_number(cell):
                raise ValueError(f"{path}:{number}: {cell!r} is not a number")
    return np.array(
        [[float(cell) if cell else np.nan for cell in cells] for _, cells in lines],
        dtype=np.float64,
    ).reshape(len(lines), width)


def read_table(path: Path, pandas=None):
    """A CSV file with a header line: a record array, or a DataFrame given the pandas module.

    Raises ValueError naming the file and line for an empty file, a bad header or a row whose
    cell count differs from the header's.
    """
    lines = _lines(path)
    if not lines:
        raise ValueError(f"{path}:1: empty file (expected a header line)")
    return _table(path, lines, pandas)


def read_csv(path: Path, pandas=None):
    """A CSV file of either kind: a headerless grid of numbers (its first line is all numbers)
    as a 2-D float64 array, otherwise a table as read_table reads it."""
    lines = _lines(path)
    if not lines or all(is_number(cell) for cell in lines[0][1]):
        return _grid(path, lines)
    return _table(path, lines, pandas)
