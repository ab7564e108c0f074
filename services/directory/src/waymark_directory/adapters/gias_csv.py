"""The GIAS extract as bytes on the wire: decoded and parsed as it streams in.

DfE publishes the extract in Windows-1252 (it says "latin-1"); files saved again by a
spreadsheet are often UTF-8, with or without a byte-order mark. A file whose first
64 KB are not UTF-8 is read as Windows-1252 (Latin-1 for the five bytes Windows-1252
leaves undefined); otherwise as UTF-8, with any later byte that is not valid UTF-8
read as Windows-1252, so a mostly-ASCII Windows file whose first accent comes late
still reads right.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from typing import BinaryIO

_FALLBACK = "waymark_gias_cp1252"


def _cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    text = "".join(_byte(b) for b in chunk)
    return text, error.end


def _byte(value: int) -> str:
    try:
        return bytes([value]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([value]).decode("latin-1")


codecs.register_error(_FALLBACK, _cp1252)


def _looks_utf8(head: bytes) -> bool:
    """Whether the file's first bytes are UTF-8 (a character cut off at the end of the
    sample does not count against it)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


class _Hashing(io.RawIOBase):
    """Reads through to ``stream``, keeping the SHA-256 and size of what passed."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self._stream.read(len(buffer))
        if not data:
            return 0
        self.sha256.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


class GiasFile:
    """``rows()`` yields ``(row_number, {column: value})``; the header is row 1."""

    def __init__(self, stream: BinaryIO):
        self._raw = _Hashing(stream)
        buffered = io.BufferedReader(self._raw, buffer_size=1 << 16)
        self.encoding = "utf-8-sig" if _looks_utf8(buffered.peek(1 << 16)) else "cp1252"
        self._text = io.TextIOWrapper(buffered, encoding=self.encoding, errors=_FALLBACK, newline="")
        self._reader = csv.DictReader(self._text, strict=True)

    @property
    def header(self) -> list[str]:
        return [name.strip() for name in self._reader.fieldnames or []]

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        self._reader.fieldnames = self.header
        yield from enumerate(self._reader, start=2)

    @property
    def sha256(self) -> str:
        return self._raw.sha256.hexdigest()

    @property
    def size(self) -> int:
        return self._raw.size
