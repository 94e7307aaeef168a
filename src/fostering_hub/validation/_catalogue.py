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


class _Registry(dict[str, Rule]):
    """A ``dict`` that counts the changes made to it (``changes``), so that what is worked
    out from its rules can be kept until they change (a check of every rule would cost
    more than some rules do)."""

    __slots__ = ("changes",)

    def __init__(self) -> None:
        super().__init__()
        self.changes = 0

    def __setitem__(self, key: str, value: Rule) -> None:
        super().__setitem__(key, value)
        self.changes += 1

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.changes += 1

    def __ior__(self, other: Any) -> _Registry:  # type: ignore[override,misc]
        self.update(other)
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.changes += 1

    def setdefault(self, key: str, default: Rule) -> Rule:
        self.changes += 1
        return super().setdefault(key, default)

    def pop(self, *args: Any) -> Any:
        self.changes += 1
        return super().pop(*args)

    def popitem(self) -> tuple[str, Rule]:
        self.changes += 1
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self.changes += 1


RULES: dict[str, Rule] = _Registry()
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
