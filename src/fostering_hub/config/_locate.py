"""Finding the line of a key in TOML text, so config errors can name it.

``tomllib`` gives values but no positions. This scans the text for table headers and
``key =`` lines, tracking arrays of tables, which is enough to place every key a hub
config uses. A key it cannot place is reported at its nearest placed parent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_BARE_OR_QUOTED = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+))\s*')
_KEY_LINE = re.compile(
    r'^((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\'))*)\s*='
)

Path = tuple[str | int, ...]


def _split_key(text: str) -> tuple[str, ...]:
    parts = []
    position = 0
    while position < len(text):
        match = _BARE_OR_QUOTED.match(text, position)
        if not match or match.end() == position:
            break
        parts.append(next(g for g in match.groups() if g is not None))
        position = match.end()
        if position < len(text) and text[position] == ".":
            position += 1
    return tuple(parts)


def key_lines(text: str) -> dict[Path, int]:
    """Map each table and key path in ``text`` to the 1-based line that defines it."""
    lines: dict[Path, int] = {}
    arrays: dict[tuple[str, ...], int] = {}
    table: Path = ()

    def resolve(names: tuple[str, ...]) -> Path:
        path: list[str | int] = []
        for depth, name in enumerate(names, start=1):
            path.append(name)
            if names[:depth] in arrays and depth < len(names):
                path.append(arrays[names[:depth]])
        return tuple(path)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            names = _split_key(line[2 : line.find("]]")])
            arrays[names] = arrays.get(names, -1) + 1
            table = (*resolve(names), arrays[names])
            lines.setdefault(table[:-1], number)
            lines[table] = number
        elif line.startswith("["):
            table = resolve(_split_key(line[1 : line.find("]")]))
            lines[table] = number
        else:
            match = _KEY_LINE.match(line)
            if match:
                lines.setdefault((*table, *_split_key(match.group(1))), number)
    return lines


def line_of(lines: dict[Path, int], loc: Sequence[str | int]) -> int | None:
    """The line of ``loc`` or of its nearest ancestor that has one."""
    for end in range(len(loc), 0, -1):
        found = lines.get(tuple(loc[:end]))
        if found is not None:
            return found
    return None


def dotted(loc: Sequence[str | int]) -> str:
    """``("sla", "targets", 0, "duration")`` -> ``"sla.targets[0].duration"``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
