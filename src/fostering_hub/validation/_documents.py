"""Reading documents to validate: JSON files, NDJSON / JSON Lines, or standard input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import attrs

NDJSON_SUFFIXES = frozenset({".ndjson", ".jsonl"})


@attrs.frozen
class Document:
    """The raw bytes of one document and where it came from (``line`` for NDJSON)."""

    file: str
    line: int | None
    content: bytes


def read_documents(name: str, *, ndjson: bool | None = None) -> Iterator[Document]:
    """Yield the documents in file ``name`` (``-`` for standard input).

    NDJSON is chosen by suffix (``.ndjson``, ``.jsonl``) unless ``ndjson`` says otherwise;
    standard input is NDJSON when it holds more than one non-blank line. Blank lines in
    NDJSON are skipped. Raises ``OSError`` if the file cannot be read.
    """
    if name == "-":
        data = sys.stdin.buffer.read()
        if ndjson is None:
            ndjson = sum(1 for line in data.splitlines() if line.strip()) > 1
    else:
        path = Path(name)
        if ndjson is None:
            ndjson = path.suffix.lower() in NDJSON_SUFFIXES
        if ndjson:
            with path.open("rb") as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield Document(name, number, line)
            return
        data = path.read_bytes()
    if ndjson:
        for number, line in enumerate(data.splitlines(), start=1):
            if line.strip():
                yield Document(name, number, line)
    else:
        yield Document(name, None, data)
