"""Validating handover payloads: types (the model for the payload's schema_version), then
every rule in the catalogue, each reporting its status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from pydantic import ValidationError

from ..models import Handover
from . import _rules  # noqa: F401 - declares the rules
from ._catalogue import (
    RULES,
    CouldNotRun,
    Failed,
    NotApplicable,
    Passed,
    Rule,
    RuleContext,
    Severity,
    Status,
)
from ._codes import code_for
from ._issues import ValidationIssue, issues_from_error
from ._limits import (
    DEFAULT_LIMITS,
    ValidationLimits,
    limit_problem,
    needs_walk,
    parse_document,
)

if TYPE_CHECKING:
    from ..config import HubConfig

HANDOVER_VERSIONS: Mapping[str, type[Handover]] = {"1.0": Handover}
"""The model for each supported ``schema_version``. "1.0" is frozen once released."""


@attrs.frozen
class RuleOutcome:
    """What one rule found for one payload."""

    code: str
    severity: Severity
    status: Status
    paths: tuple[str, ...] = ()
    message: str = ""
    why: str | None = None

    def issues(self) -> list[ValidationIssue]:
        """One issue per failing path."""
        return [ValidationIssue(self.code, path, self.message) for path in self.paths]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"code": self.code, "status": self.status.value, "why": self.why}


@attrs.frozen
class HandoverReport:
    """The verdict on one handover payload.

    ``errors`` are schema errors, failed error rules and, in strict mode, failed warning
    rules; ``warnings`` are the failed warning rules otherwise. ``outcomes`` holds every
    rule's status, so nothing is skipped silently.
    """

    schema_errors: tuple[ValidationIssue, ...]
    outcomes: tuple[RuleOutcome, ...]
    strict: bool = False

    @property
    def errors(self) -> tuple[ValidationIssue, ...]:
        """Everything that makes the payload invalid."""
        failing = [
            issue
            for outcome in self.outcomes
            if outcome.status is Status.FAILED
            and (outcome.severity is Severity.ERROR or self.strict)
            for issue in outcome.issues()
        ]
        return (*self.schema_errors, *failing)

    @property
    def warnings(self) -> tuple[ValidationIssue, ...]:
        """Failed warning rules (empty in strict mode, where they are errors)."""
        if self.strict:
            return ()
        return tuple(
            issue
            for outcome in self.outcomes
            if outcome.status is Status.FAILED and outcome.severity is Severity.WARNING
            for issue in outcome.issues()
        )

    @property
    def not_checked(self) -> tuple[RuleOutcome, ...]:
        """Rules that could not run, each with why."""
        return tuple(o for o in self.outcomes if o.status is Status.COULD_NOT_RUN)

    @property
    def valid(self) -> bool:
        """True when there are no errors."""
        return not self.errors


def _run(rule: Rule, handover: Handover, context: RuleContext) -> RuleOutcome:
    try:
        verdict = rule.check(handover, context)
    except Exception as error:  # a rule that breaks is reported, never skipped
        verdict = CouldNotRun(f"the check raised {type(error).__name__}")
    if isinstance(verdict, Failed):
        paths = verdict.paths or ("",)
        return RuleOutcome(rule.code, rule.severity, Status.FAILED, paths, rule.message)
    if isinstance(verdict, NotApplicable):
        return RuleOutcome(rule.code, rule.severity, Status.NOT_APPLICABLE, why=verdict.why)
    if isinstance(verdict, CouldNotRun):
        return RuleOutcome(rule.code, rule.severity, Status.COULD_NOT_RUN, why=verdict.why)
    if isinstance(verdict, Passed):
        return RuleOutcome(rule.code, rule.severity, Status.PASSED)
    why = "the check returned no verdict"
    return RuleOutcome(rule.code, rule.severity, Status.COULD_NOT_RUN, why=why)


def _not_run(why: str) -> tuple[RuleOutcome, ...]:
    return tuple(
        RuleOutcome(r.code, r.severity, Status.COULD_NOT_RUN, why=why) for r in RULES.values()
    )


def validate_handover(
    document: bytes | str | Mapping[str, Any] | Handover,
    *,
    config: HubConfig | None = None,
    now: dt.datetime | None = None,
    strict: bool = False,
    limits: ValidationLimits = DEFAULT_LIMITS,
    base_dir: Path | None = None,
) -> HandoverReport:
    """Validate one handover payload: JSON text or bytes, parsed data, or a model.

    ``config`` supplies the cluster, the postcode lookup and the handover profile;
    ``now`` is the clock for "not in the future" (inject it: nothing reads the time here).
    Rules that need either report "could not run" without them. Never raises for bad
    input.
    """
    if isinstance(document, Handover):
        handover = document
    else:
        data: Any = document
        if isinstance(document, bytes | str):
            data, problems = parse_document(document, limits, walk=needs_walk(limits))
            if problems:
                return HandoverReport(
                    tuple(problems), _not_run("the document is not valid JSON"), strict
                )
        if not isinstance(data, Mapping):
            issue = ValidationIssue(code_for("model_type"), "", "Input should be a JSON object")
            return HandoverReport((issue,), _not_run("the document is not an object"), strict)
        model = HANDOVER_VERSIONS.get(str(data.get("schema_version")), Handover)
        try:
            handover = model.model_validate(data)
        except ValidationError as error:
            # Hostile input (a huge string, deep nesting) is reported as the limit it breaks.
            problem = limit_problem(data, limits)
            if problem is not None:
                return HandoverReport((problem,), _not_run("the document breaks a limit"), strict)
            why = "the payload did not pass schema validation"
            return HandoverReport(tuple(issues_from_error(error)), _not_run(why), strict)
        except RecursionError:
            issue = ValidationIssue(code_for("fh_json_limits"), "", "Document is nested too deeply")
            return HandoverReport((issue,), _not_run("the document is too deep"), strict)
    context = RuleContext(config=config, now=now, base_dir=base_dir)
    outcomes = tuple(_run(rule, handover, context) for rule in RULES.values())
    return HandoverReport((), outcomes, strict)
