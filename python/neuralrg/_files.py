"""JSON and .npy files of a run directory, read with errors that name the file."""

import json
from pathlib import Path

import numpy as np


def read_json_object(path: Path) -> dict:
    """The JSON object in `path` (run.json, summary.json).

    Raises ValueError naming the file and line when it is not valid JSON or not an object.
    """
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{path}:{error.lineno}: malformed JSON: {error.msg} (column {error.colno})"
        ) from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{path}:1: expected a JSON object, got {type(value).__name__}")
    return value


def read_npy(path: Path, ndim: int | None = None) -> np.ndarray:
    """The array in the .npy file `path`, which must have `ndim` dimensions if given.

    Raises ValueError naming the file when it is not a readable .npy array of that rank.
    """
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, EOFError) as error:
        raise ValueError(f"{path}: not a valid .npy file: {error}") from None
    if not isinstance(array, np.ndarray):  # an .npz archive under a .npy name
        raise ValueError(f"{path}: not a valid .npy file: it holds several arrays")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{path}: expected a {ndim}-D array, got shape {array.shape}")
    return array
