"""The chunked lookup-file reader gives exactly what the simple line-by-line reader gives.

``PostcodeLookup.from_csv`` reads big files (a full ONSPD is 2.6 million rows) a chunk at
a time, parsing each chunk with one regex; :func:`_add_lines` is the simple reference.
Random small files, with every chunk size from one byte up, must give the same lookup or
the same error (file, line and message) both ways.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fostering_hub.allocation import LookupFileError, MatchLevel, PostcodeLookup, _lookup
from fostering_hub.allocation._lookup import _Builder, _key, _read


def outcome(content: bytes, chunk_size: int | None) -> tuple[Any, ...]:
    """What reading ``content`` gives: the lookup's whole state, or the error."""
    builder = _Builder("mem.csv")
    try:
        _read(io.BytesIO(content), builder, chunk_size)
        lookup = builder.build()
    except LookupFileError as error:
        return ("error", error.line, str(error))
    return (
        "lookup",
        lookup._keys.tolist(),
        lookup._values.tolist(),
        lookup._codes,
        lookup._prefixes,
    )


def assert_same_every_chunk_size(content: bytes, sizes: range | None = None) -> tuple[Any, ...]:
    """The simple reader's outcome, after checking the chunked reader agrees with it for
    every chunk size up to the file's length (so a chunk boundary falls at every byte)."""
    expected = outcome(content, None)
    for size in sizes or range(1, len(content) + 2):
        assert outcome(content, size) == expected, f"chunk size {size}"
    assert outcome(content, _lookup._CHUNK_SIZE) == expected
    return expected


# --------------------------------------------------------------------------- random files

UNITS = ["SR1 3AA", "SR1 3AB", "SR1 4AA", "B1 1AA", "B10 0AA", "NE10 1AA", "EC1A 1BB", "W1A 0AX"]
PREFIXES = ["SR", "SR1", "SR1 3", "ne10", "B1 1", "W1A"]
CODES = ["E08000024", "E06000047", "E08000021", "L99999999"]
BAD_CODES = ["", "E08 000024", 'E0"8', "E08\xe9", "  ", "#E08"]
JUNK = ["", "x", "198001", "a b", "E99999999", "B1  1AA", '"', "#", "\t", "\r", "q,r", '"s,t"']


def quoted(text: str, style: int) -> str:
    """``text`` as a cell: bare, double-quoted, padded with spaces, tabs or CRs (which
    are stripped), or with something after the closing quote (which is not)."""
    styles = [f'"{text}"', f' "{text}" ', f"\t{text}", f'"{text}"\r', f"{text} ", f'"{text}"x']
    return text if style == 0 else styles[style - 1]


#: Mostly bare or double-quoted, as in ONSPD and NSPL files.
STYLES = st.sampled_from([0, 0, 0, 0, 1, 1, 1, 1, 2, 3, 4, 5, 6])


@st.composite
def postcode_cells(draw: st.DrawFn, clean: bool) -> str:
    kind = draw(st.integers(0, 25 if clean else 27))
    if kind < 20:
        text = draw(st.sampled_from(UNITS))
    elif kind < 22:  # a unit postcode as people type it
        text = draw(st.sampled_from(UNITS)).replace(" ", draw(st.sampled_from(["", "  "])))
        text = text.lower() if draw(st.booleans()) else text
    elif kind < 26:
        text = draw(st.sampled_from(PREFIXES))
    else:
        text = draw(st.sampled_from(["NOT A POSTCODE", "", "SR1 3AAA", "sr1 3aa"]))
    return quoted(text, draw(STYLES if kind < 20 and not clean else st.integers(0, 1)))


@st.composite
def code_cells(draw: st.DrawFn, clean: bool) -> str:
    good = clean or draw(st.integers(0, 29)) > 0
    text = draw(st.sampled_from(CODES if good else BAD_CODES))
    return quoted(text, draw(st.integers(0, 1) if clean else STYLES))


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """A small lookup file: an ONSPD / NSPL-like header or none, then rows, comments and
    blank lines (and in half the files, the odd bad row); quoting, padding and line ends
    vary."""
    clean = draw(st.booleans())
    junk = JUNK[:6] if clean else JUNK  # no quotes, #, tabs, CRs or commas in a clean file
    width = draw(st.integers(2, 7))
    headed = width > 2 or draw(st.booleans())
    postcode_at, la_at = draw(st.permutations(range(width)))[:2]
    lines: list[str] = []
    if headed:
        names = [
            draw(st.sampled_from(["x", "dointr", "pcd2", "ctry", "oscty"])) for _ in range(width)
        ]
        names[postcode_at] = draw(st.sampled_from(["pcds", "pcd", "postcode", "PCDS"]))
        names[la_at] = draw(st.sampled_from(["oslaua", "laua", "lad23cd", "gss_code"]))
        lines.append(",".join(quoted(name, draw(st.integers(0, 1))) for name in names))
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 39))
        if clean and kind == 3:
            kind = 4
        if kind == 0:
            lines.append("")
        elif kind == 1:
            lines.append(draw(st.sampled_from([" ", "\t", "\r"])))
        elif kind == 2:
            lines.append("#" + ",".join(draw(st.sampled_from(UNITS)) for _ in range(width)))
        elif kind == 3:  # too few columns
            lines.append(",".join(draw(st.sampled_from(UNITS)) for _ in range(width - 1)))
        else:
            cells = [draw(st.sampled_from(junk)) for _ in range(width + draw(st.integers(0, 2)))]
            cells[postcode_at] = draw(postcode_cells(clean))
            cells[la_at] = draw(code_cells(clean))
            lines.append(",".join(cells))
    if draw(st.booleans()):  # comments or blank lines before the header
        lines.insert(0, draw(st.sampled_from(["# ONS data", "", "#", "  "])))
    ends = [draw(st.sampled_from(["\n", "\r\n"])) for _ in lines]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if lines and draw(st.booleans()):
        text = text.removesuffix(ends[-1])  # no newline at the end
    data = text.encode()
    return b"\xef\xbb\xbf" + data if draw(st.integers(0, 9)) == 0 else data


@settings(max_examples=150, deadline=None)
@given(files())
@example(b'"pcds","oslaua"\n\n"SR1 3AA","E08000024"\n')
@example(b"pcd,x,pcds,oslaua\n\nB1 1AA,x,B1 1AA,E08000025\n")  # a blank line before a row
@example(b"pcd,x,pcds,oslaua\nB1,x\n1AA,B1 1AA,E08000025\n")  # a short line before a row
@example(b'x,pcds,oslaua\n#,SR1 3AA,E08000024\n"q",SR1 3AA,E08000024\r\n')
@example(b"oslaua,pcds\nE08000024,SR1 3AA\r\n#E08000024,SR1 3AB\nE08000024,SR1 3AB")
@example(b"pcds,oslaua,x\nSR1 3AA,E08000024 ,x\n")  # a space after the code
@example(b'pcds,oslaua\nSR1 3AA,"E08000024"x\n')  # something after the closing quote
@example(b'pcds,oslaua\r\n"SR1 3AA" ,E08000024\r\r\n')
def test_chunked_reader_agrees_with_simple_reader(content: bytes) -> None:
    assert_same_every_chunk_size(content)


# --------------------------------------------------------------------------- examples

ONSPD_HEADER = '"pcd","pcd2","pcds","dointr","doterm","oscty","ced","oslaua","osward"\n'


def onspd_row(postcode: str, code: str, end: str = "\n") -> str:
    outward, inward = postcode.split(" ")
    pcd = f"{outward:<4}{inward}"
    return (
        f'"{pcd}","{outward:<4} {inward}","{postcode}","198001","","E99999999",'
        f'"E99999999","{code}","E05001"{end}'
    )


def test_onspd_rows_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every row of a clean ONSPD file is parsed by the regex, none line by line.
    rows = [onspd_row(p, c) for p, c in [("B1 1AA", "E08000025"), ("SR1 3AA", "E08000024")]]
    content = (ONSPD_HEADER + "".join(rows * 3)).encode()

    def line_by_line(*args: object) -> None:
        raise AssertionError("read line by line")

    monkeypatch.setattr(_lookup, "_add_lines", line_by_line)
    builder = _Builder("onspd.csv")
    _read(io.BytesIO(content), builder, 7)
    assert len(builder.build()) == 6


def test_crlf_and_quoted_onspd(tmp_path: Path) -> None:
    units = ["B1 1AA", "B1 1AB", "B10 0AA", "EC1A 1BB", "NE10 1AA", "SR1 3AA"]
    codes = ["E08000025", "E08000025", "E08000025", "E09000001", "E08000037", "E08000024"]
    content = ONSPD_HEADER + "".join(
        onspd_row(p, c, "\r\n") for p, c in zip(units, codes, strict=True)
    )
    assert assert_same_every_chunk_size(content.encode())[0] == "lookup"
    path = tmp_path / "onspd.csv"
    path.write_bytes(content.encode())
    lookup = PostcodeLookup.from_csv(path)
    for postcode, code in zip(units, codes, strict=True):
        match = lookup.find(postcode)
        assert match is not None
        assert (match.level, match.candidates[0].gss_code) == (MatchLevel.UNIT, code)
    district = lookup.find("B1 9ZZ")
    assert district is not None
    assert (district.level, district.candidates[0].share) == (MatchLevel.DISTRICT, 1.0)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (onspd_row("SR1 3AA", "E08\xe9"), "not ASCII"),
        (onspd_row("SR1 3AA", ""), "LA code is empty"),
        ('"SR1 3AA","SR1  3AA","SR1 3AA"\n', "columns"),
        (onspd_row("SR1 3AA", "E08000024").replace('"SR1 3AA"', '"SR1 3AAA"'), "postcode"),
    ],
)
def test_errors_name_the_line_either_way(row: str, message: str) -> None:
    good = "".join(onspd_row(f"B1 {n}AA", "E08000025") for n in range(1, 10))
    content = (ONSPD_HEADER + good + row + good).encode()
    result = assert_same_every_chunk_size(content, range(1, 200, 7))
    assert result[:2] == ("error", 11)
    assert message in result[2]
    assert result[2].startswith("mem.csv:11: ")


def test_too_many_codes_either_way() -> None:
    rows = "".join(f"SR1 {n % 10}AA,X{n}\n" for n in range(0x10001))
    content = ("postcode,gss_code\n" + rows).encode()
    expected = assert_same_every_chunk_size(content, range(1 << 16, 1 << 17, 1 << 14))
    assert expected == ("error", 65538, "mem.csv:65538: more than 65,536 distinct LA codes")


def test_unsorted_rows_either_way() -> None:
    rows = [onspd_row(p, "E08000024") for p in ["SR1 3AB", "SR1 3AA", "B1 1AA", "SR1 3AA"]]
    result = assert_same_every_chunk_size((ONSPD_HEADER + "".join(rows)).encode())
    assert result[1] == sorted(result[1])


def test_comment_rows_are_skipped_even_with_a_postcode_in_place() -> None:
    content = b'x,pcds,oslaua\n#,SR1 3AA,E08000024\n"y",B1 1AA,E08000025\n'
    lookup_state = assert_same_every_chunk_size(content)
    assert lookup_state[3] == ["E08000025"]


@given(st.lists(st.sampled_from([*UNITS, "A1 1AA", "AB1 1AA", "A10 1AA", "AB10 1AA"])))
def test_keys_sort_as_onspd_pcd_does(postcodes: list[str]) -> None:
    # ONSPD is sorted by pcd, the outward code padded to four characters.
    def pcd(postcode: str) -> str:
        outward, inward = postcode.split(" ")
        return f"{outward:<4}{inward}"

    assert sorted(postcodes, key=lambda p: _key(p.encode())) == sorted(postcodes, key=pcd)
