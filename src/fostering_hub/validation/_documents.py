"""Reading documents to validate: JSON files, NDJSON / JSON Lines, or standard input.

Reading streams: an NDJSON file of any length is read a line at a time, and a line (or a
whole JSON file) larger than ``max_bytes`` is reported by its size without being held in
memory.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import attrs
import pydantic_core

NDJSON_SUFFIXES = frozenset({".ndjson", ".jsonl"})
_CHUNK = 1 << 20


@attrs.frozen
class Document:
    """One document's bytes and where it came from (``line`` for NDJSON).

    ``too_large`` holds the size seen when the document was over the reading limit; its
    ``content`` is then empty.
    """

    file: str
    line: int | None
    content: bytes
    too_large: int | None = None


def _read_line(handle: BinaryIO, max_bytes: int) -> tuple[bytes, int | None] | None:
    """The next line, or ``(b"", size)`` for one longer than ``max_bytes`` (skipped)."""
    line = handle.readline(max_bytes + 2)
    if not line:
        return None
    if len(line) <= max_bytes + 1 or line.endswith(b"\n"):
        return line, None
    size = len(line)
    while not line.endswith(b"\n"):
        line = handle.readline(_CHUNK)
        if not line:
            break
        size += len(line)
    return b"", size


def _lines(handle: BinaryIO, name: str, max_bytes: int, first: int = 1) -> Iterator[Document]:
    number = first - 1
    while (item := _read_line(handle, max_bytes)) is not None:
        number += 1
        content, too_large = item
        if too_large is not None or content.strip():
            yield Document(name, number, content, too_large)


def _whole(handle: BinaryIO, name: str, max_bytes: int, start: bytes = b"") -> Document:
    data = start + handle.read(max_bytes + 1 - len(start))
    if len(data) <= max_bytes:
        return Document(name, None, data)
    size = len(data)
    while chunk := handle.read(_CHUNK):
        size += len(chunk)
    return Document(name, None, b"", size)


def _is_json(line: bytes) -> bool:
    try:
        pydantic_core.from_json(line)
    except ValueError:
        return False
    return True


def _stdin(max_bytes: int, ndjson: bool | None) -> Iterator[Document]:
    handle = sys.stdin.buffer
    if ndjson:
        yield from _lines(handle, "-", max_bytes)
        return
    skipped = b""
    number = 0
    while (item := _read_line(handle, max_bytes)) is not None:
        number += 1
        content, too_large = item
        if too_large is None and not content.strip():
            skipped += content
            continue
        if ndjson is None and too_large is None and _is_json(content):
            # A complete document on its first line: read the rest as NDJSON.
            yield Document("-", number, content)
            yield from _lines(handle, "-", max_bytes, first=number + 1)
        elif too_large is not None:
            yield Document("-", None, b"", too_large + len(skipped))
        else:
            yield _whole(handle, "-", max_bytes, skipped + content)
        return


def read_documents(
    name: str, *, ndjson: bool | None = None, max_bytes: int = 1_000_000
) -> Iterator[Document]:
    """Yield the documents in file ``name`` (``-`` for standard input).

    NDJSON is chosen by suffix (``.ndjson``, ``.jsonl``) unless ``ndjson`` says; standard
    input is read as NDJSON when its first non-blank line is a complete JSON document.
    Blank lines in NDJSON are skipped. Raises ``OSError`` if the file cannot be read.
    """
    if name == "-":
        yield from _stdin(max_bytes, ndjson)
        return
    path = Path(name)
    if ndjson is None:
        ndjson = path.suffix.lower() in NDJSON_SUFFIXES
    with path.open("rb") as handle:
        if ndjson:
            yield from _lines(handle, name, max_bytes)
        else:
            yield _whole(handle, name, max_bytes)
