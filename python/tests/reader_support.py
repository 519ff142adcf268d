"""What the reader's checks share: a counter of checks, an independent CSV parser, and a
checkpoint encoder written from the format's description (docs/file-formats.md), not from the
package."""

import math
from pathlib import Path

import numpy as np

from neuralrg.checkpoint import MAGIC, fnv1a64


class Checks:
    """Counts checks and remembers the failures."""

    def __init__(self):
        self.passed = 0
        self.failures: list[str] = []

    def check(self, condition: bool, what: str) -> None:
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL: {what}")

    def raises(self, call, what: str, *words: str) -> None:
        """Checks that call() raises ValueError whose message contains every one of `words`."""
        try:
            call()
        except ValueError as error:
            message = str(error)
            self.check(all(w in message for w in words),
                       f"{what}: message {message!r} lacks {words}")
            return
        except Exception as error:  # noqa: BLE001  (any other exception is the failure)
            self.check(False, f"{what}: raised {type(error).__name__}: {error}, not ValueError")
            return
        self.check(False, f"{what}: raised nothing")

    @staticmethod
    def skip(what: str) -> None:
        print(f"SKIP: {what}")


def csv_lines(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file, parsed independently of the package."""
    lines = [line for line in path.read_text().split("\n") if line]
    return lines[0].split(","), [line.split(",") for line in lines[1:]]


def as_float(cell: str) -> float:
    return float(cell) if cell else math.nan


def same(a, b) -> bool:
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)


def head(path: Path) -> bytes:
    """The first bytes of a file: a checkpoint's first header lines."""
    with open(path, "rb") as f:
        return f.read(200)


def encode_checkpoint(epoch, seed, scalar, tensors, checksum=True) -> bytes:
    """A checkpoint as the C++ encode_checkpoint writes it; tensors: (group, name, matrix)."""
    dtype = {"double": "<f8", "float": "<f4"}[scalar]
    head = MAGIC + f"epoch {epoch}\nseed {seed}\nscalar {scalar}\n".encode()
    for group, name, m in tensors:
        head += f"tensor {group} {name} {m.shape[0]} {m.shape[1]}\n".encode()
    body = b"end\n" + b"".join(np.asarray(m, dtype).tobytes(order="F") for _, _, m in tensors)
    if not checksum:
        return head + body
    return head + f"checksum fnv1a64 {fnv1a64(body, fnv1a64(head)):016x}\n".encode() + body
