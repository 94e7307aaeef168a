"""Postcode -> local authority lookup, from ONS data or a simple two-column table.

Postcode to LA needs ONS data (the ONS Postcode Directory, ONSPD, or the National
Statistics Postcode Lookup, NSPL): it cannot be derived from the text. This module reads
either layout, or a simple CSV of ``postcode_or_prefix,gss_code`` rows, and answers with
the **longest known prefix**: the full unit ("SR1 3AA"), then the sector ("SR1 3"), the
district ("SR1") and the area ("SR"). A prefix whose postcodes lie in several LAs (outward
codes straddle boundaries) returns every candidate with its share of postcodes.

Lines starting with ``#`` are comments. Storage is compact so that a full ONSPD (about
2.6 million rows) fits in about 26 MB: unit postcodes as 64-bit integers in a sorted
``array`` beside a 16-bit LA index, and per-prefix answers computed once.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

import attrs

from ..models import normalise_postcode

_LA_COLUMN = re.compile(r"^(oslaua|laua|lad[0-9]{2}cd|ladcd|lad|la_code|gss_code)$", re.IGNORECASE)
#: Postcode columns in order of preference: ONSPD's pcds is the variable-length form with
#: one space; pcd and pcd2 are fixed-width and pad with spaces ("B1  1AA").
_POSTCODE_COLUMNS = ("pcds", "postcode", "pcd2", "pcd")
_AREA = re.compile(r"^[A-Z]{1,2}$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_SECTOR = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]$")
_UNIT = re.compile(rb"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")


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

    The fixed seven-character form (outward code padded with spaces to four) read as a
    big-endian number: ASCII orders space < digits < letters, as ``pcd`` sorts.
    """
    outward, inward = postcode.split(b" ")
    return int.from_bytes(outward.ljust(4) + inward, "big")


def _prefixes(postcode: str) -> tuple[str, str, str]:
    """Sector, district and area of a normalised unit postcode."""
    district, inward = postcode.split(" ")
    area = district[:2] if district[1].isalpha() else district[:1]
    return f"{district} {inward[0]}", district, area


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
        self._prefixes = {
            prefix: self._match(prefix, counts) for prefix, counts in prefix_counts.items()
        }

    def _match(self, prefix: str, counts: dict[int, int]) -> LookupMatch:
        level = (
            MatchLevel.SECTOR
            if " " in prefix
            else MatchLevel.AREA
            if prefix.isalpha()
            else MatchLevel.DISTRICT
        )
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

    def find(self, postcode: str) -> LookupMatch | None:
        """The best match for ``postcode``, or ``None`` if no prefix of it is known.

        Raises ``ValueError`` if ``postcode`` is not a UK postcode.
        """
        normal = normalise_postcode(postcode)
        key = _key(normal.encode())
        index = bisect_left(self._keys, key)
        if index < len(self._keys) and self._keys[index] == key:
            return self._units[self._values[index]]
        for prefix in _prefixes(normal):
            match = self._prefixes.get(prefix)
            if match is not None:
                return match
        return None

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
        two columns. Lines starting with ``#`` are comments. Raises
        :class:`LookupFileError` naming the file and line of the first bad row.
        """
        source = Path(path)
        builder = _Builder(str(source))
        with source.open("rb") as handle:
            _read(handle, builder)
        return builder.build()


_QUOTE_SPACE = b' "\t\r\n'


def _cell(raw: bytes) -> bytes:
    return raw.strip(_QUOTE_SPACE)


def _read(handle: Iterable[bytes], builder: _Builder) -> None:
    source = builder.name
    lines = iter(handle)
    number = 0
    header: bytes | None = None
    for raw in lines:
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
    width = max(postcode_at, la_at) + 1
    # The hot loop, inlined: ~2.6 million rows for a full ONSPD. Unit postcodes already in
    # normal form (ONSPD's pcds) take the fast path; anything else goes through add().
    codes, keys, values, sectors = builder.codes, builder.keys, builder.values, builder.sectors
    unit, from_bytes, last, in_order = _UNIT.fullmatch, int.from_bytes, builder.last, True
    for raw in lines:
        number += 1
        cells = raw.split(b",", width)
        if len(cells) < width:
            if raw.startswith(b"#") or not raw.strip():
                continue
            raise LookupFileError(source, number, f"expected at least {width} columns")
        postcode = cells[postcode_at].strip(_QUOTE_SPACE)
        code = cells[la_at].strip(_QUOTE_SPACE)
        if unit(postcode) is None:
            if raw.startswith(b"#"):
                continue
            builder.last, builder.sorted = last, builder.sorted and in_order
            builder.add(postcode, code, number)
            last, in_order = builder.last, builder.sorted
            continue
        index = codes.get(code)
        if index is None:
            index = builder.index(code, number)
        key = from_bytes(postcode[:-4].ljust(4) + postcode[-3:], "big")
        if key < last:
            in_order = False
        last = key
        keys.append(key)
        values.append(index)
        sector = postcode[:-2]
        in_sector = sectors.get(sector)
        if in_sector is None:
            in_sector = sectors[sector] = {}
        in_sector[index] = in_sector.get(index, 0) + 1
    builder.last, builder.sorted = last, builder.sorted and in_order


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.codes: dict[bytes, int] = {}
        self.keys = array("q")
        self.values = array("H")
        self.sorted = True
        self.last = -1
        self.sectors: dict[bytes, dict[int, int]] = {}
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
        sector = postcode[:-2]
        in_sector = self.sectors.get(sector)
        if in_sector is None:
            in_sector = self.sectors[sector] = {}
        in_sector[index] = in_sector.get(index, 0) + 1

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
        derived: dict[str, dict[int, int]] = {s.decode(): c for s, c in self.sectors.items()}
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
