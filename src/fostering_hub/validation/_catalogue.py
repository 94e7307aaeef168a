"""The rule catalogue: rules beyond types, each declared once with the :func:`rule` decorator.

A rule has a stable code (``FH-H...``), a severity, the fields it reads, a one-line message
(said when it fails) and a longer description. Its check returns one of
:class:`Passed`, :class:`Failed`, :class:`NotApplicable` or :class:`CouldNotRun`; a check
that raises is reported as "could not run" with the exception's type, never skipped.
The catalogue is listed by ``fostering-hub rules`` and rendered into the docs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

if TYPE_CHECKING:
    from ..config import HubConfig
    from ..models import Handover


class Severity(StrEnum):
    """How much a failed rule matters. Warnings fail a payload only in strict mode."""

    ERROR = "error"
    WARNING = "warning"


class Status(StrEnum):
    """What happened when a rule was checked."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    COULD_NOT_RUN = "could_not_run"


@attrs.frozen
class Passed:
    """The rule holds."""


@attrs.frozen
class Failed:
    """The rule does not hold at these JSON pointers."""

    paths: tuple[str, ...]


@attrs.frozen
class NotApplicable:
    """The rule has nothing to check here, and says why."""

    why: str


@attrs.frozen
class CouldNotRun:
    """The rule should have been checked but could not be, and says why."""

    why: str


Verdict: TypeAlias = Passed | Failed | NotApplicable | CouldNotRun
"""What a rule's check returns: one of the four, never ``None`` (a check that returns
anything else is reported as "could not run")."""


@attrs.frozen
class RuleContext:
    """What rules may use besides the payload: the hub config and an injected clock."""

    config: HubConfig | None = None
    now: dt.datetime | None = None
    base_dir: Path | None = None
    """Folder of the config file, for relative lookup paths."""


Check: TypeAlias = Callable[["Handover", RuleContext], Verdict]


@attrs.frozen
class Rule:
    """A validation rule beyond types."""

    code: str
    severity: Severity
    fields: tuple[str, ...]
    message: str
    description: str
    check: Check = attrs.field(repr=False, eq=False)

    def as_dict(self) -> dict[str, Any]:
        """The catalogue entry (without the check) for JSON output."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "fields": list(self.fields),
            "message": self.message,
            "description": self.description,
        }


RULES: dict[str, Rule] = {}
"""Every handover rule by code, in declaration order."""


def rule(
    code: str, severity: Severity, fields: tuple[str, ...], message: str
) -> Callable[[Check], Check]:
    """Declare a rule; the check's docstring is its long description."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} is declared twice")
        description = " ".join((check.__doc__ or message).split())
        RULES[code] = Rule(code, severity, fields, message, description, check)
        return check

    return register


def render_markdown() -> str:
    """The catalogue as a Markdown table (``docs/rules.md`` embeds it)."""
    from . import _rules  # noqa: F401 - registers the rules

    lines = [
        "| code | severity | fields | when it fails | details |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in RULES.values():
        fields = ", ".join(f"`{f}`" for f in entry.fields)
        lines.append(
            f"| `{entry.code}` | {entry.severity.value} | {fields} | {entry.message} | "
            f"{entry.description} |"
        )
    return "\n".join(lines) + "\n"
