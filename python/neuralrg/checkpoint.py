"""NeuralRG checkpoints: flow.ckpt, checkpoints/epoch-*.ckpt (and older builds' samples-stage*.bin).

The format (core/pipeline/checkpoint.hpp) is a text header, then raw data:

    NEURALRG-CHECKPOINT 1
    epoch <completed epochs>
    seed <pipeline seed>
    scalar double|float                      (absent in old files: double)
    tensor <group> <name> <rows> <cols>      (one line per tensor, group = param|optimizer)
    checksum fnv1a64 <16 hex digits>         (absent in old files)
    end
    <the tensors' values in header order, each column-major, little-endian; nothing after them>

The checksum is FNV-1a 64 over every byte of the file except the checksum line itself, newline
included. read_checkpoint validates what the C++ reader validates and raises ValueError with the
same complaints: "<file>: not a valid checkpoint: <what is wrong>".
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"NEURALRG-CHECKPOINT 1\n"
_END = b"end"
_DTYPES = {"double": np.dtype("<f8"), "float": np.dtype("<f4")}
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1
_SIGNED = re.compile(r"-?[0-9]+")
_UNSIGNED = re.compile(r"[0-9]+")
_HEX16 = re.compile(r"[0-9a-fA-F]{16}")


def fnv1a64(data, value: int = _FNV_OFFSET) -> int:
    """FNV-1a 64 of the bytes `data`, continuing from `value` (as the C++ fnv1a64)."""
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & _MASK64
    return value


@dataclass(frozen=True, repr=False)
class Checkpoint:
    """A checkpoint's contents. Tensors keep the stored precision (float64 or float32)."""

    path: str  #: the file it was read from
    epoch: int  #: completed epochs (0 for a samples-stage*.bin file)
    seed: int
    scalar: str  #: "double" or "float": the precision of the build that wrote it
    parameters: dict[str, np.ndarray]  #: name → rows × cols array, in header order
    optimizer: dict[str, np.ndarray]  #: the optimizer's state, empty in flow.ckpt
    has_checksum: bool  #: False for files from before the checksum line

    def __repr__(self) -> str:
        return (
            f"Checkpoint({self.path!r}, epoch={self.epoch}, seed={self.seed}, "
            f"scalar={self.scalar!r}, {len(self.parameters)} parameter tensors, "
            f"{len(self.optimizer)} optimizer tensors)"
        )


def read_checkpoint(path) -> Checkpoint:
    """Reads and validates the checkpoint file `path`.

    Raises FileNotFoundError when it does not exist and ValueError naming the file and the problem
    when it is not a regular file or not a valid checkpoint (wrong magic, malformed header line,
    data not exactly as long as the header declares, checksum mismatch).
    """
    path = Path(path)
    # A device or a pipe in its place could be read forever (/dev/zero) or block (a FIFO).
    if path.exists() and not path.is_file():
        raise ValueError(f"{path}: not a valid checkpoint: not a regular file")
    return decode_checkpoint(path.read_bytes(), str(path))


def decode_checkpoint(data: bytes, source: str) -> Checkpoint:
    """The checkpoint in the bytes `data`; `source` names them in errors."""
    parser = _Parser(data, source)
    parser.parse_header()
    return parser.read_tensors()


class _Parser:
    """The header fields of one checkpoint as they are read, and the complaints about them."""

    def __init__(self, data: bytes, source: str):
        self.data = data
        self.source = source
        self.epoch: int | None = None
        self.seed: int | None = None
        self.scalar = "double"  # files from before the scalar line were double
        self.tensors: list[tuple[str, str, int, int]] = []  # group, name, rows, cols
        self.names: set[tuple[str, str]] = set()  # (group, name) of every tensor
        self.checksum: int | None = None
        self.checksum_span = (0, 0)  # the checksum line's bytes
        self.data_begin = 0

    def bad(self, what: str) -> ValueError:
        return ValueError(f"{self.source}: not a valid checkpoint: {what}")

    def parse_header(self) -> None:
        if not self.data.startswith(MAGIC):
            raise self.bad("wrong magic line")
        pos = len(MAGIC)
        while True:
            newline = self.data.find(b"\n", pos)
            if newline < 0:
                raise self.bad("truncated header (no end line)")
            line, begin, pos = self.data[pos:newline], pos, newline + 1
            if line == _END:
                break
            self.parse_line(line.decode("utf-8", errors="surrogateescape"), (begin, pos))
        if self.epoch is None or self.seed is None:
            raise self.bad("the header lacks its epoch or seed line")
        self.data_begin = pos

    def parse_line(self, line: str, span: tuple[int, int]) -> None:
        """One header line (without its newline) occupying the bytes `span` of the file."""
        f = line.split()
        key = f[0] if f else ""
        if key in ("epoch", "seed") and len(f) == 2 and getattr(self, key) is not None:
            raise self.bad(f"{key} given twice")
        if key == "epoch" and len(f) == 2:
            self.epoch = _integer(f[1], _SIGNED, 0, 2**63 - 1)
            if self.epoch is None:
                raise self.bad(f"epoch {f[1]} (expected a count of completed epochs, 0 or more)")
        elif key == "seed" and len(f) == 2:
            self.seed = _integer(f[1], _UNSIGNED, 0, 2**64 - 1)
            if self.seed is None:
                raise self.bad(f"seed {f[1]} (expected an unsigned integer)")
        elif key == "scalar" and len(f) == 2:
            if f[1] not in _DTYPES:
                raise self.bad(f"scalar type {f[1]} (expected double or float)")
            self.scalar = f[1]
        elif key == "tensor" and len(f) == 5:
            self.parse_tensor(f[1:], line)
        elif key == "checksum" and len(f) == 3 and f[1] == "fnv1a64":
            if self.checksum is not None or not _HEX16.fullmatch(f[2]):
                raise self.bad(f"malformed checksum line: {line}")
            self.checksum, self.checksum_span = int(f[2], 16), span
        else:
            raise self.bad(f"malformed or unknown header line: {line[:80]}")

    def parse_tensor(self, fields: list[str], line: str) -> None:
        group, name, rows, cols = fields
        if group not in ("param", "optimizer"):
            raise self.bad(f"tensor group {group} (expected param or optimizer): {line}")
        # Each dimension alone must fit in the file, as in the C++.
        size = len(self.data)
        shape = (_integer(rows, _SIGNED, 0, size), _integer(cols, _SIGNED, 0, size))
        if None in shape:
            raise self.bad(f"tensor dimensions out of range (the file has {size} bytes): {line}")
        if (group, name) in self.names:  # the C++ keeps both; a dict cannot
            raise self.bad(f"{group} tensor {name} given twice")
        self.names.add((group, name))
        self.tensors.append((group, name, *shape))

    def read_tensors(self) -> Checkpoint:
        """Checks the data length and checksum, and reads the tensors."""
        dtype = _DTYPES[self.scalar]
        declared = sum(rows * cols for _, _, rows, cols in self.tensors) * dtype.itemsize
        actual = len(self.data) - self.data_begin
        if declared != actual:
            raise self.bad(
                f"the header declares {declared} bytes of tensor data, the file holds {actual}"
                + (" (truncated?)" if declared > actual else "")
            )
        if self.checksum is not None:
            begin, end = self.checksum_span
            view = memoryview(self.data)
            computed = fnv1a64(view[end:], fnv1a64(view[:begin]))
            if computed != self.checksum:
                raise self.bad(
                    f"checksum mismatch (stored {self.checksum:016x}, computed {computed:016x}): "
                    "the file is corrupt"
                )
        groups: dict[str, dict[str, np.ndarray]] = {"param": {}, "optimizer": {}}
        offset = self.data_begin
        for group, name, rows, cols in self.tensors:
            values = np.frombuffer(self.data, dtype, rows * cols, offset)
            native = values.astype(dtype.newbyteorder("="))  # a writable copy
            groups[group][name] = native.reshape((rows, cols), order="F")
            offset += rows * cols * dtype.itemsize
        return Checkpoint(
            path=self.source,
            epoch=self.epoch,
            seed=self.seed,
            scalar=self.scalar,
            parameters=groups["param"],
            optimizer=groups["optimizer"],
            has_checksum=self.checksum is not None,
        )


def _integer(token: str, pattern: re.Pattern, low: int, high: int) -> int | None:
    """The integer `token` spells if it matches `pattern` and lies in [low, high], else None."""
    if not pattern.fullmatch(token):
        return None
    try:
        value = int(token)
    except ValueError:  # more digits than int() converts: far out of range anyway
        return None
    return value if low <= value <= high else None
