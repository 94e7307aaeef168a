"""Side tables a CRM exports next to the journey table: consents and record flags.

Both are CSV with a header, one row per record, keyed by ``enquiry_id``:

* **consent table**: ``enquiry_id, purpose, lawful_basis, policy_version, given_at, means,
  withdrawn_at, withdrawal_means, expires_at`` (the :class:`ConsentRecord` fields; the
  last four and ``lawful_basis`` may be left empty or out). Several rows per enquiry.
* **flags table**: ``enquiry_id, legal_hold, safeguarding``; a flag is ``true`` / ``yes``
  / ``1`` or ``false`` / ``no`` / ``0`` / empty. A flagged record is never acted on
  automatically: the retention sweep routes it to review.

Errors give the line, column and a code, never a cell's value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import attrs
from pydantic import ValidationError

from ..models import ConsentRecord

CONSENT_COLUMNS: tuple[str, ...] = (
    "enquiry_id",
    "purpose",
    "lawful_basis",
    "policy_version",
    "given_at",
    "means",
    "withdrawn_at",
    "withdrawal_means",
    "expires_at",
)
"""The columns of a consent table (one consent record a row; the required ones are
``enquiry_id``, ``purpose``, ``policy_version``, ``given_at`` and ``means``)."""
_CONSENT_REQUIRED = ("enquiry_id", "purpose", "policy_version", "given_at", "means")
FLAG_COLUMNS: tuple[str, ...] = ("enquiry_id", "legal_hold", "safeguarding")
"""The columns of a legal-hold / safeguarding flags table."""
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", ""})


@attrs.frozen
class TableProblem:
    """One problem in a side table: where, a code and a message (never the value)."""

    line: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column or '<row>'}: {self.message} [{self.code}]"


class TableError(ValueError):
    """A side table could not be read; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[TableProblem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  {source}: {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"cannot read {source} ({len(problems)} problem(s)):\n{shown}{more}")


@attrs.frozen
class RecordFlags:
    """Flags that stop automatic retention actions (the record goes to review instead)."""

    legal_hold: bool = False
    safeguarding: bool = False

    @property
    def held(self) -> tuple[str, ...]:
        """The names of the flags that are set."""
        return tuple(
            name
            for name, on in (("legal_hold", self.legal_hold), ("safeguarding", self.safeguarding))
            if on
        )


def _source_name(source: str | Path | IO[str]) -> str:
    return (
        str(source) if isinstance(source, str | Path) else str(getattr(source, "name", "<table>"))
    )


def _rows(
    source: str | Path | IO[str], columns: tuple[str, ...], required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    if isinstance(source, str | Path):
        with Path(source).open(newline="", encoding="utf-8") as handle:
            yield from _rows(handle, columns, required)
        return
    name = _source_name(source)
    reader = csv.DictReader(source)
    header = reader.fieldnames or []
    problems = [
        TableProblem(1, column, "missing_column", "Missing column")
        for column in required
        if column not in header
    ] + [
        TableProblem(1, column, "unknown_column", "Unknown column")
        for column in header
        if column not in columns
    ]
    if problems:
        raise TableError(name, problems)
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def read_consent_table(source: str | Path | IO[str]) -> dict[str, list[ConsentRecord]]:
    """Consent records by ``enquiry_id``, in file order. Raises :class:`TableError`."""
    from ..validation import issues_from_error

    found: dict[str, list[ConsentRecord]] = {}
    problems: list[TableProblem] = []
    for line, row in _rows(source, CONSENT_COLUMNS, _CONSENT_REQUIRED):
        enquiry_id = row.pop("enquiry_id", "")
        if not enquiry_id:
            problems.append(TableProblem(line, "enquiry_id", "missing_value", "Empty enquiry_id"))
            continue
        data: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        try:
            record = ConsentRecord.model_validate(data)
        except ValidationError as error:
            problems.extend(
                TableProblem(line, issue.path.lstrip("/"), issue.code, issue.message)
                for issue in issues_from_error(error)
            )
            continue
        found.setdefault(enquiry_id, []).append(record)
    if problems:
        raise TableError(_source_name(source), problems)
    return found


def _flag(value: str) -> bool | None:
    text = value.lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def read_flags_table(source: str | Path | IO[str]) -> dict[str, RecordFlags]:
    """Legal hold and safeguarding flags by ``enquiry_id``. Raises :class:`TableError`.

    An enquiry listed twice gets the flags of both rows (a flag once set stays set).
    """
    found: dict[str, RecordFlags] = {}
    problems: list[TableProblem] = []
    for line, row in _rows(source, FLAG_COLUMNS, ("enquiry_id",)):
        enquiry_id = row.get("enquiry_id", "")
        if not enquiry_id:
            problems.append(TableProblem(line, "enquiry_id", "missing_value", "Empty enquiry_id"))
            continue
        values: dict[str, bool] = {}
        for column in ("legal_hold", "safeguarding"):
            flag = _flag(row.get(column, ""))
            if flag is None:
                problems.append(
                    TableProblem(line, column, "not_a_flag", "Not a flag (true/false, yes/no, 1/0)")
                )
                flag = False
            values[column] = flag
        before = found.get(enquiry_id, RecordFlags())
        found[enquiry_id] = RecordFlags(
            legal_hold=before.legal_hold or values["legal_hold"],
            safeguarding=before.safeguarding or values["safeguarding"],
        )
    if problems:
        raise TableError(_source_name(source), problems)
    return found
