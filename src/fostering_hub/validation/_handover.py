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
from . import _one_pass, _rules  # noqa: F401 - _rules declares the rules
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
from ._fast import JsonFastPath
from ._issues import ValidationIssue, issues_from_error
from ._limits import (
    DEFAULT_LIMITS,
    ValidationLimits,
    limit_problem,
    needs_walk,
    parse_document,
    utf8_size,
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
        if self.schema_errors:
            return False
        strict = self.strict
        for outcome in self.outcomes:  # is there an issue in ``errors``?
            if (
                outcome.status is _FAILED
                and outcome.paths
                and (outcome.severity is _ERROR or strict)
            ):
                return False
        return True


_FAILED, _ERROR = Status.FAILED, Severity.ERROR


_OUTCOMES: dict[tuple[str, Severity, Status, str | None], RuleOutcome] = {}
"""Outcomes shared between reports (they are immutable): each rule's "passed", and "could
not run" for this module's own reasons. Reasons a rule gives are never kept here (a
custom rule's reason might quote the payload)."""
_MAX_SHARED = 4096


def _outcome(rule: Rule, status: Status, why: str | None = None) -> RuleOutcome:
    key = (rule.code, rule.severity, status, why)
    outcome = _OUTCOMES.get(key)
    if outcome is None:
        outcome = RuleOutcome(rule.code, rule.severity, status, why=why)
        if len(_OUTCOMES) < _MAX_SHARED:
            _OUTCOMES[key] = outcome
    return outcome


def _run(rule: Rule, handover: Handover, context: RuleContext) -> RuleOutcome:
    try:
        verdict = rule.check(handover, context)
    except Exception as error:  # a rule that breaks is reported, never skipped
        verdict = CouldNotRun(f"the check raised {type(error).__name__}")
    return _verdict_outcome(rule, verdict)


_PASSED = Status.PASSED


def _verdict_outcome(rule: Rule, verdict: object) -> RuleOutcome:
    if verdict.__class__ is Passed:  # the common case of the isinstance tests below
        return _outcome(rule, _PASSED)
    if isinstance(verdict, Failed):
        paths = verdict.paths or ("",)
        return RuleOutcome(rule.code, rule.severity, _FAILED, paths, rule.message)
    if isinstance(verdict, NotApplicable):
        return RuleOutcome(rule.code, rule.severity, Status.NOT_APPLICABLE, why=verdict.why)
    if isinstance(verdict, CouldNotRun):
        return RuleOutcome(rule.code, rule.severity, Status.COULD_NOT_RUN, why=verdict.why)
    if isinstance(verdict, Passed):
        return _outcome(rule, _PASSED)
    return _outcome(rule, Status.COULD_NOT_RUN, "the check returned no verdict")


_PASSED_BY_CODE: dict[str, RuleOutcome] = {}


def _outcomes(
    handover: Handover, context: RuleContext, *, validated: bool = False
) -> tuple[RuleOutcome, ...]:
    """Every rule's outcome, in catalogue order: the built-in rules in one pass where it
    answers (see ``_one_pass``; ``validated`` as there), then any others one by one."""
    built_in = _one_pass.built_in_rules()
    if built_in is not None:
        found = _one_pass.outcomes(handover, context, built_in, _outcome, _run, validated=validated)
        if found is not None:
            count = len(built_in.rules)
            if len(RULES) > count:
                extra = list(RULES.values())[count:]
                found += [_run(rule, handover, context) for rule in extra]
            return tuple(found)
    return _one_by_one(handover, context)


def _one_by_one(handover: Handover, context: RuleContext) -> tuple[RuleOutcome, ...]:
    """Every rule's outcome, in catalogue order (``_run`` for each, inlined)."""
    outcomes: list[RuleOutcome] = []
    append = outcomes.append
    for rule in RULES.values():
        try:
            verdict = rule.check(handover, context)
        except Exception as error:  # a rule that breaks is reported, never skipped
            verdict = CouldNotRun(f"the check raised {type(error).__name__}")
        if verdict.__class__ is Passed:
            outcome = _PASSED_BY_CODE.get(rule.code)
            if outcome is None or outcome.severity is not rule.severity:
                outcome = _PASSED_BY_CODE[rule.code] = _outcome(rule, _PASSED)
            append(outcome)
        else:
            append(_verdict_outcome(rule, verdict))
    return tuple(outcomes)


_NOT_RUN: dict[str, tuple[tuple[Rule, ...], tuple[RuleOutcome, ...]]] = {}


def _not_run(why: str) -> tuple[RuleOutcome, ...]:
    rules = tuple(RULES.values())
    cached = _NOT_RUN.get(why)
    if cached is not None and cached[0] == rules:  # the same rules (identical objects)
        return cached[1]
    outcomes = tuple([_outcome(rule, Status.COULD_NOT_RUN, why) for rule in rules])
    if len(_NOT_RUN) < 64:
        _NOT_RUN[why] = (rules, outcomes)
    return outcomes


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
    if not isinstance(document, (bytes, str)) and isinstance(document, Handover):
        handover, validated = document, False  # (it may have been changed without checks)
    else:
        checked = _types(document, limits)
        if not isinstance(checked, Handover):
            issues, why = checked
            return HandoverReport(issues, _not_run(why), strict)
        # (a model of a later schema version might not keep the journey in order)
        handover, validated = checked, checked.__class__ is Handover
    context = _context(config, now, base_dir)
    return HandoverReport((), _outcomes(handover, context, validated=validated), strict)


_CONTEXTS: list[RuleContext] = []


def _context(
    config: HubConfig | None, now: dt.datetime | None, base_dir: Path | None
) -> RuleContext:
    """A ``RuleContext`` of these (the last one again when they are the same objects, as
    they are for every payload of a bulk run)."""
    last = _CONTEXTS[0] if _CONTEXTS else None  # one read: another thread may replace it
    if last is not None and last.config is config and last.now is now and last.base_dir is base_dir:
        return last
    context = RuleContext(config=config, now=now, base_dir=base_dir)
    _CONTEXTS[:] = [context]
    return context


_NoModel = tuple[tuple[ValidationIssue, ...], str]
"""Why a document has no model: its issues, and why the rules could not run."""


def _types(
    document: bytes | str | Mapping[str, Any], limits: ValidationLimits
) -> Handover | _NoModel:
    """The payload's model, or its issues. JSON text takes the fast path when it decides
    (see ``_fast``), else the reference path."""
    if isinstance(document, (bytes, str)):  # (quicker than bytes | str)
        fast = _fast_path()
        if fast is not None:
            size = utf8_size(document)
            decided = None if size is None else fast.validate(document, size, limits)
            if isinstance(decided, Handover):
                return decided
            if decided is not None:
                return tuple(decided), _SCHEMA_FAILED
    return _reference_types(document, limits)


_SCHEMA_FAILED = "the payload did not pass schema validation"


def _reference_types(
    document: bytes | str | Mapping[str, Any], limits: ValidationLimits
) -> Handover | _NoModel:
    """The reference path: parse, then validate the parsed data (Python mode)."""
    data: Any = document
    if isinstance(document, bytes | str):
        data, problems = parse_document(document, limits, walk=needs_walk(limits))
        if problems:
            return tuple(problems), "the document is not valid JSON"
    if not isinstance(data, Mapping):
        issue = ValidationIssue(code_for("model_type"), "", "Input should be a JSON object")
        return (issue,), "the document is not an object"
    model = HANDOVER_VERSIONS.get(str(data.get("schema_version")), Handover)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # Hostile input (a huge string, deep nesting) is reported as the limit it breaks.
        problem = limit_problem(data, limits)
        if problem is not None:
            return (problem,), "the document breaks a limit"
        return tuple(issues_from_error(error)), _SCHEMA_FAILED
    except RecursionError:
        issue = ValidationIssue(code_for("fh_json_limits"), "", "Document is nested too deeply")
        return (issue,), "the document is too deep"


def fast_handover_issues(
    content: bytes | str, limits: ValidationLimits
) -> list[ValidationIssue] | None:
    """``validate_json("handover", content)``'s issues by the fast path, or None if it
    does not decide (the models of every supported version are ``Handover``, which
    ``validate_json`` validates against)."""
    fast = _fast_path()
    if fast is None:
        return None
    size = utf8_size(content)
    if size is None:
        return None
    decided = fast.validate(content, size, limits)
    if isinstance(decided, Handover):
        return []
    return decided


_FAST: list[JsonFastPath[Handover]] = []
_ONLY_HANDOVER = {"1.0": Handover}


def _fast_path() -> JsonFastPath[Handover] | None:
    """The JSON fast path, while every supported schema version is the ``Handover`` model
    (the reference path picks the model by ``schema_version``)."""
    if HANDOVER_VERSIONS != _ONLY_HANDOVER and any(
        model is not Handover for model in HANDOVER_VERSIONS.values()
    ):
        return None
    if not _FAST:
        _FAST.append(JsonFastPath(Handover))
    return _FAST[0]
