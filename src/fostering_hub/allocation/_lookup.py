"""Postcode -> local authority lookup, from ONS data or a simple two-column table.

Postcode to LA needs ONS data (the ONS Postcode Directory, ONSPD, or the National
Statistics Postcode Lookup, NSPL): it cannot be derived from the text. This module reads
either layout, or a simple CSV of ``postcode_or_prefix,gss_code`` rows, and answers with
the **longest known prefix**: the full unit ("SR1 3AA"), then the sector ("SR1 3"), the
district ("SR1") and the area ("SR"). A prefix whose postcodes lie in several LAs (outward
codes straddle boundaries) returns every candidate with its share of postcodes.

Lines starting with ``#`` are comments. Storage is compact so that a full ONSPD (about
2.6 million rows) fits in about 26 MB: unit postcodes as 64-bit integers in a sorted
``array`` beside a 16-bit LA index, and per-prefix answers computed once. Loading streams:
the file is read a megabyte at a time and each chunk parsed by one regular expression, in
C; only chunks with an unusual line (a comment, a prefix, a bad row) are read line by line.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from io import BufferedIOBase
from itertools import repeat
from pathlib import Path

import attrs

from ..models import normalise_postcode
from ..models._postcode import NORMALISED_POSTCODE_PATTERN

_LA_COLUMN = re.compile(r"^(oslaua|laua|lad[0-9]{2}cd|ladcd|lad|la_code|gss_code)$", re.IGNORECASE)
#: Postcode columns in order of preference: ONSPD's pcds is the variable-length form with
#: one space; pcd and pcd2 are fixed-width and pad with spaces ("B1  1AA").
_POSTCODE_COLUMNS = ("pcds", "postcode", "pcd2", "pcd")
_AREA = re.compile(r"^[A-Z]{1,2}$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_SECTOR = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]$")
_UNIT = re.compile(rb"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")
_NORMALISED = re.compile(NORMALISED_POSTCODE_PATTERN)


class MatchLevel(StrEnum):
    """How precisely a postcode was matched."""

    UNIT = "unit"
    SECTOR = "sector"
    DISTRICT = "district"
    AREA = "area"


@attrs.frozen
class LookupCandidate:
    """An LA a postcode may lie in, with the share of the matched prefix's postcodes."""

    gss_code: str
    share: float


@attrs.frozen
class LookupMatch:
    """The answer for one postcode: the level matched and the candidate LAs, largest first."""

    level: MatchLevel
    candidates: tuple[LookupCandidate, ...]

    @property
    def unique(self) -> bool:
        """True when exactly one LA is possible."""
        return len(self.candidates) == 1


class LookupFileError(ValueError):
    """A lookup file could not be read; names the file and line, never a cell's value."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


def _key(postcode: bytes) -> int:
    """A normalised unit postcode as an integer that sorts as ONSPD does (by ``pcd``).

    The ``pcds`` form padded with spaces to eight bytes, read as a big-endian number. ASCII
    orders space < digits < letters, so this sorts as the fixed seven-character ``pcd``
    form (outward code padded with spaces to four) does: two outward codes differ before
    either ends, or the shorter one meets its space first. The top byte is a letter, so the
    number fits a signed 64-bit integer; a sector's postcodes share the leading bytes.
    """
    return int.from_bytes(postcode.ljust(8), "big")


class PostcodeLookup:
    """A read-only postcode -> LA lookup. Build it with :meth:`from_csv` or :meth:`from_rows`."""

    __slots__ = ("_codes", "_keys", "_prefixes", "_units", "_values", "name")

    def __init__(
        self,
        keys: array[int],
        values: array[int],
        codes: list[str],
        prefix_counts: dict[str, dict[int, int]],
        name: str,
    ) -> None:
        self._keys = keys
        self._values = values
        self._codes = codes
        self.name = name
        self._units = [LookupMatch(MatchLevel.UNIT, (LookupCandidate(c, 1.0),)) for c in codes]
        single: dict[tuple[MatchLevel, int], LookupMatch] = {}
        self._prefixes = {
            prefix: self._match(prefix, counts, single) for prefix, counts in prefix_counts.items()
        }

    def _match(
        self, prefix: str, counts: dict[int, int], single: dict[tuple[MatchLevel, int], LookupMatch]
    ) -> LookupMatch:
        """The answer for ``prefix``; one object serves every prefix of a level wholly in one
        LA (most are), kept in ``single``."""
        level = (
            MatchLevel.SECTOR
            if " " in prefix
            else MatchLevel.AREA
            if prefix.isalpha()
            else MatchLevel.DISTRICT
        )
        if len(counts) == 1:
            (index,) = counts
            match = single.get((level, index))
            if match is None:
                match = single[level, index] = LookupMatch(level, self._units[index].candidates)
            return match
        total = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], self._codes[item[0]]))
        return LookupMatch(
            level, tuple(LookupCandidate(self._codes[i], n / total) for i, n in ranked)
        )

    def __repr__(self) -> str:
        return (
            f"PostcodeLookup({self.name!r}, {len(self._keys)} unit postcodes, "
            f"{len(self._prefixes)} prefixes, {len(self._codes)} LAs)"
        )

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def authorities(self) -> frozenset[str]:
        """Every LA code the lookup knows."""
        return frozenset(self._codes)

    @property
    def prefixes(self) -> frozenset[str]:
        """Every sector, district and area the lookup knows."""
        return frozenset(self._prefixes)

    def for_prefix(self, prefix: str) -> LookupMatch | None:
        """The match for a sector, district or area as :attr:`prefixes` lists it (``"SR1
        3"``, ``"SR1"``, ``"SR"``), or ``None`` if the lookup does not know it.

        What :meth:`find` answers for a postcode of that prefix that is not listed itself.
        """
        return self._prefixes.get(prefix)

    def find(self, postcode: str) -> LookupMatch | None:
        """The best match for ``postcode``, or ``None`` if no prefix of it is known.

        Raises ``ValueError`` if ``postcode`` is not a UK postcode.
        """
        # (most postcodes come from models, normalised already: normalising keeps them)
        normal = postcode if _NORMALISED.fullmatch(postcode) else normalise_postcode(postcode)
        keys = self._keys
        if keys:  # (a lookup of prefixes only has none)
            key = _key(normal.encode())
            index = bisect_left(keys, key)
            if index < len(keys) and keys[index] == key:
                return self._units[self._values[index]]
        # Its sector, district and area in turn: the inward code of a normalised postcode
        # is its last three characters, the area the district's one or two letters.
        prefixes = self._prefixes
        match = prefixes.get(normal[:-2])
        if match is None:
            district = normal[:-4]
            match = prefixes.get(district)
            if match is None:
                match = prefixes.get(district[:2] if district[1].isalpha() else district[:1])
        return match

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]], name: str = "<rows>") -> PostcodeLookup:
        """Build from ``(postcode_or_prefix, gss_code)`` pairs; a bad pair raises
        :class:`LookupFileError` naming its position (1-based)."""
        builder = _Builder(name)
        for number, (postcode, code) in enumerate(rows, start=1):
            builder.add(postcode.encode(), code.encode(), number)
        return builder.build()

    @classmethod
    def from_csv(cls, path: str | Path) -> PostcodeLookup:
        """Read an ONSPD / NSPL CSV or a two-column ``postcode_or_prefix,gss_code`` CSV.

        The layout is detected from the header: a postcode column (``pcds`` preferred,
        then ``postcode``, ``pcd2``, ``pcd``) and an LA column (``oslaua``, ``laua``,
        ``lad23cd``-style, ``gss_code``). A file without a recognisable header is read as
        two columns. Lines starting with ``#`` are comments. The file is streamed a chunk
        at a time (a full ONSPD loads in a few seconds, in little more memory than the
        lookup keeps). Raises :class:`LookupFileError` naming the file and line of the first
        bad row.
        """
        source = Path(path)
        builder = _Builder(str(source))
        with source.open("rb") as handle:
            _read(handle, builder)
        return builder.build()


_QUOTE_SPACE = b' "\t\r\n'
#: Bytes read at a time by the chunked reader: big enough that the per-chunk work is lost
#: in the noise, small enough that the memory it takes stays low.
_CHUNK_SIZE = 1 << 20
_BIG_ENDIAN = sys.byteorder == "big"


def _cell(raw: bytes) -> bytes:
    return raw.strip(_QUOTE_SPACE)


@attrs.frozen
class _Layout:
    """Where the postcode and LA columns are in a file's rows."""

    postcode_at: int
    la_at: int

    @property
    def width(self) -> int:
        """Cells a row needs."""
        return max(self.postcode_at, self.la_at) + 1


def _read(handle: BufferedIOBase, builder: _Builder, chunk_size: int | None = _CHUNK_SIZE) -> None:
    """Read a lookup file into ``builder``: the header, then the rows.

    The rows are read in chunks of ``chunk_size`` bytes by :func:`_read_chunks`, or, with
    ``chunk_size=None``, line by line by :func:`_add_lines`, the simple reference parser
    that the chunked reader must agree with exactly.
    """
    number, layout = _read_header(handle, builder)
    if chunk_size is None:
        _add_lines(handle, builder, layout, number)
    else:
        _read_chunks(handle, builder, layout, number, chunk_size)


def _read_header(handle: BufferedIOBase, builder: _Builder) -> tuple[int, _Layout]:
    """The line number of the header and the layout it gives; a two-column file without
    a header has its first row added to ``builder``."""
    source = builder.name
    number = 0
    header: bytes | None = None
    for raw in iter(handle.readline, b""):
        number += 1
        if raw.strip() and not raw.startswith(b"#"):
            header = raw
            break
    if header is None:
        raise LookupFileError(source, None, "the file is empty")
    try:
        names = [_cell(c).decode("utf-8-sig").lower() for c in header.split(b",")]
    except UnicodeDecodeError:
        raise LookupFileError(source, number, "not UTF-8 text") from None
    postcode_at = next((names.index(n) for n in _POSTCODE_COLUMNS if n in names), None)
    la_at = next((i for i, n in enumerate(names) if _LA_COLUMN.match(n)), None)
    if postcode_at is None or la_at is None:
        if len(names) != 2:
            raise LookupFileError(
                source,
                number,
                "no postcode column (pcds, pcd, postcode) and LA column (oslaua, laua, "
                "lad23cd, gss_code) in the header, and not a two-column file",
            )
        postcode_at, la_at = 0, 1
        cells = header.split(b",")
        builder.add(_cell(cells[0]), _cell(cells[1]), number)
    return number, _Layout(postcode_at, la_at)


def _add_lines(lines: Iterable[bytes], builder: _Builder, layout: _Layout, number: int) -> None:
    """Add the rows in ``lines``, the first being line ``number + 1``, one at a time.

    The reference parser: :func:`_read_chunks` gives exactly the same result. Each line is
    split at every comma (quotes do not protect a comma: no ONSPD or NSPL value has one) and
    the needed cells are stripped of spaces, tabs, double quotes and line ends. Blank lines
    and lines starting with ``#`` are skipped. Unit postcodes already in normal form (ONSPD's
    pcds) take the fast path; anything else goes through :meth:`_Builder.add`.
    """
    source, postcode_at, la_at, width = builder.name, layout.postcode_at, layout.la_at, layout.width
    codes, keys, values = builder.codes, builder.keys, builder.values
    unit, from_bytes, last, in_order = _UNIT.fullmatch, int.from_bytes, builder.last, True
    for raw in lines:
        number += 1
        cells = raw.split(b",", width)
        if len(cells) < width:
            if raw.startswith(b"#") or not raw.strip():
                continue
            raise LookupFileError(source, number, f"expected at least {width} columns")
        if raw.startswith(b"#"):
            continue
        postcode = cells[postcode_at].strip(_QUOTE_SPACE)
        code = cells[la_at].strip(_QUOTE_SPACE)
        if unit(postcode) is None:
            builder.last, builder.sorted = last, builder.sorted and in_order
            builder.add(postcode, code, number)
            last, in_order = builder.last, builder.sorted
            continue
        index = codes.get(code)
        if index is None:
            index = builder.index(code, number)
        key = from_bytes(postcode.ljust(8), "big")
        if key < last:
            in_order = False
        last = key
        keys.append(key)
        values.append(index)
    builder.last, builder.sorted = last, builder.sorted and in_order


def _row_pattern(layout: _Layout) -> re.Pattern[bytes]:
    """A regex for one row of ``layout`` on the fast path, the newline before it included.

    Groups: the cells up to the last needed one, then the postcode and the LA code in
    column order. The postcode must be a unit postcode in normal form and the code must
    have no space, tab, quote or comma; each may be in double quotes. Every other row is
    left to :func:`_add_lines`. ``[^,]*+`` may run past a newline on a short line, so the
    first group is checked for one (see :func:`_read_chunks`).
    """
    cells = []
    for column in range(layout.width):
        if column == layout.postcode_at:
            cells.append(rb'"?([A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})"?')
        elif column == layout.la_at:
            cells.append(rb'"?([^ "\t\r\n,]++)"?')
        else:
            cells.append(rb"[^,]*+")
    comment = b"" if layout.postcode_at == 0 else rb"(?!#)"
    return re.compile(rb"\n" + comment + b"(" + b",".join(cells) + rb")(?:,.*|\r?$)", re.MULTILINE)


def _read_chunks(
    handle: BufferedIOBase, builder: _Builder, layout: _Layout, number: int, chunk_size: int
) -> None:
    """Add the rows after the header, reading about ``chunk_size`` bytes at a time.

    Each chunk of whole lines goes through one ``split`` of :func:`_row_pattern` (the
    scanning and capturing run in C); the rows' keys, LA indexes and order check are then
    done a chunk at a time. A chunk in which any line does not fit the pattern (a comment, a
    blank line, a prefix, a postcode not in normal form, a bad row) is read again line by
    line by :func:`_add_lines`, so results and errors are exactly the same as that gives.

    The file is read into one buffer, reused: a chunk is a view of it, from the newline
    before its first line to the last newline read, and the part line after that moves to
    the front for the next read.
    """
    pattern = _row_pattern(layout)
    postcode_group = 2 if layout.postcode_at < layout.la_at else 3
    la_group = 5 - postcode_group
    buffer = bytearray(max(chunk_size, 2))
    view = memoryview(buffer)
    buffer[0] = ord("\n")  # a chunk starts with the newline before its first line
    filled = 1
    while True:
        if filled == len(buffer):  # a line longer than the buffer
            view.release()
            buffer.extend(bytes(len(buffer)))
            view = memoryview(buffer)
        size = handle.readinto(view[filled:])
        if not size:
            break
        end = filled + size
        cut = buffer.rfind(b"\n", 0, end)
        if cut <= 0:  # no line ends yet
            filled = end
            continue
        number = _add_chunk(view[:cut], pattern, postcode_group, la_group, builder, layout, number)
        buffer[: end - cut] = buffer[cut:end]  # a copy: the two may overlap
        filled = end - cut
    if filled > 1:  # the last line has no newline at its end
        _add_chunk(view[:filled], pattern, postcode_group, la_group, builder, layout, number)
    view.release()


def _add_chunk(
    chunk: memoryview,
    pattern: re.Pattern[bytes],
    postcode_group: int,
    la_group: int,
    builder: _Builder,
    layout: _Layout,
    number: int,
) -> int:
    """Add the lines of ``chunk`` (each after a newline), the first being line
    ``number + 1``; returns the number of the last."""
    pieces = pattern.split(chunk)
    # [text before row 1, its 3 groups, text between rows 1 and 2, ..., text after the last]
    if any(pieces[::4]) or b"\n" in b"".join(pieces[1::4]):
        # A line the pattern did not match, or a match running over a short line.
        lines = chunk.tobytes().split(b"\n")
        del lines[0]
        _add_lines(lines, builder, layout, number)
        return number + len(lines)
    postcodes = pieces[postcode_group::4]
    la_codes = pieces[la_group::4]
    packed = builder.packed
    fresh = set(la_codes).difference(packed)
    if fresh:  # new LA codes: the first line of each, in order, as _add_lines would
        first = dict(zip(reversed(la_codes), range(len(la_codes) - 1, -1, -1), strict=True))
        for position, code in sorted((first[code], code) for code in fresh):
            builder.index(code, number + 1 + position)
    builder.values.frombytes(b"".join(map(packed.__getitem__, la_codes)))
    keys = array("q")
    keys.frombytes(b"".join(map(bytes.ljust, postcodes, repeat(8))))
    if not _BIG_ENDIAN:
        keys.byteswap()
    if builder.sorted:  # the postcodes sort as their keys do
        builder.sorted = keys[0] >= builder.last and postcodes == sorted(postcodes)
    builder.last = keys[-1]
    builder.keys.extend(keys)
    return number + len(postcodes)


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.codes: dict[bytes, int] = {}
        #: Each code's index as the two bytes of an ``array("H")`` item.
        self.packed: dict[bytes, bytes] = {}
        self.keys = array("q")
        self.values = array("H")
        self.sorted = True
        self.last = -1
        self.explicit: dict[str, dict[int, int]] = {}

    def index(self, code: bytes, line: int) -> int:
        """The index of LA ``code``, adding it if new."""
        found = self.codes.get(code)
        if found is not None:
            return found
        if not code:
            raise LookupFileError(self.name, line, "the LA code is empty")
        try:
            code.decode("ascii")
        except UnicodeDecodeError:
            raise LookupFileError(self.name, line, "the LA code is not ASCII") from None
        index = self.codes[code] = len(self.codes)
        if index > 0xFFFF:
            raise LookupFileError(self.name, line, "more than 65,536 distinct LA codes")
        self.packed[code] = array("H", [index]).tobytes()
        return index

    def add(self, postcode: bytes, code: bytes, line: int) -> None:
        index = self.codes.get(code)
        if index is None:
            index = self.index(code, line)
        if not _UNIT.fullmatch(postcode):
            postcode = self._normalised(postcode, line)
            if not _UNIT.fullmatch(postcode):
                counts = self.explicit.setdefault(postcode.decode(), {})
                counts[index] = counts.get(index, 0) + 1
                return
        key = _key(postcode)
        if key < self.last:
            self.sorted = False
        self.last = key
        self.keys.append(key)
        self.values.append(index)

    def _normalised(self, postcode: bytes, line: int) -> bytes:
        """A unit postcode in normal form, or an upper-cased prefix; else an error."""
        try:
            text = " ".join(postcode.decode("ascii").split()).upper()
        except UnicodeDecodeError:
            raise LookupFileError(self.name, line, "not a postcode or postcode prefix") from None
        if _AREA.fullmatch(text) or _DISTRICT.fullmatch(text) or _SECTOR.fullmatch(text):
            return text.encode()
        try:
            return normalise_postcode(text).encode()
        except ValueError:
            raise LookupFileError(self.name, line, "not a postcode or postcode prefix") from None

    def build(self) -> PostcodeLookup:
        keys, values = self.keys, self.values
        if not self.sorted:
            order = sorted(range(len(keys)), key=keys.__getitem__)
            keys = array("q", (keys[i] for i in order))
            values = array("H", (values[i] for i in order))
        derived = _sector_counts(keys, values)
        for sector, counts in list(derived.items()):
            district = sector.split(" ")[0]
            area = district[:2] if district[1].isalpha() else district[:1]
            for prefix in (district, area):
                target = derived.setdefault(prefix, {})
                for index, count in counts.items():
                    target[index] = target.get(index, 0) + count
        derived.update(self.explicit)  # an explicit prefix row wins over derived counts
        codes = [code.decode("ascii") for code in self.codes]
        return PostcodeLookup(keys, values, codes, derived, self.name)


def _sector_counts(keys: array[int], values: array[int]) -> dict[str, dict[int, int]]:
    """For each sector with unit postcodes, how many lie in each LA (by index).

    ``keys`` is sorted, so each sector's postcodes are a run: found by bisection, a sector
    at a time, and counted in C.
    """
    counts: dict[str, dict[int, int]] = {}
    start, end = 0, len(keys)
    while start < end:
        sector = keys[start].to_bytes(8, "big").rstrip(b" ")[:-2]
        stop = bisect_right(keys, int.from_bytes(sector.ljust(8, b"\xff"), "big"), start)
        run = values[start:stop]
        first = run[0]
        if run.tobytes() == run[:1].tobytes() * len(run):  # all in one LA, as most are
            counts[sector.decode()] = {first: len(run)}
        else:
            counts[sector.decode()] = dict(Counter(run))
        start = stop
    return counts
