"""The built-in rules' outcomes in one pass, with the verdicts of the rules one by one.

``_rules`` declares each rule once (its code, severity, fields, message and check); the
catalogue, the docs and any custom rule go through those declarations. Run one by one,
the fourteen checks walk the consents four times and the journey three times, and each
outcome goes through the general machinery of ``_handover._outcomes``. :func:`outcomes`
computes the same outcomes (equal ``RuleOutcome`` values, in catalogue order) in one
function that walks each list once.

It only answers for the rules it was written for, as ``_rules`` declares them (the
identical ``Rule`` objects, in order, at the start of ``RULES``); rules registered after
them run one by one after it. Anything unexpected (an exception, a value of a type the
models never hold) gives ``None``, and the caller runs every rule one by one: a rule that
breaks is then reported as "could not run" exactly as before.
``tests/test_one_pass_rules.py`` compares both ways on generated and mutated payloads.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ..models import ConsentPurpose, Stage, london_date
from ..models._datetime import FIXED_OFFSET_CLASSES, later, same_instant
from . import _rules
from ._catalogue import RULES, Passed, Rule, RuleContext, Status

if TYPE_CHECKING:
    from ..models import Handover
    from ._handover import RuleOutcome

__all__ = ["BUILT_IN_CHECKS", "BuiltIn", "built_in_rules", "outcomes"]

BUILT_IN_CHECKS: Final = (
    _rules.receiving_la_is_member,
    _rules.share_consent_present,
    _rules.share_consent_in_force,
    _rules.share_consent_before_handover,
    _rules.nothing_in_the_future,
    _rules.journey_ends_with_handover,
    _rules.joint_application_has_two,
    _rules.applicants_are_adults,
    _rules.postcode_allocation_consistent,
    _rules.duplicate_household_members,
    _rules.duplicate_consents,
    _rules.profile_required_fields,
    _rules.profile_allowed_interests,
    _rules.profile_notes_length,
)
"""The checks :func:`outcomes` replays, in catalogue order."""

_COUNT = len(BUILT_IN_CHECKS)
_SHARE = ConsentPurpose.SHARE_WITH_LA
_ENQUIRED = Stage.ENQUIRED
_HANDED_OVER = Stage.HANDED_OVER
_PASSED, _FAILED = Status.PASSED, Status.FAILED
_NOT_APPLICABLE, _COULD_NOT_RUN = Status.NOT_APPLICABLE, Status.COULD_NOT_RUN
_NO_CONFIG = "no hub config was given"
_NO_SHARE = "no share_with_la record (see FH-H002)"


class BuiltIn:
    """The built-in rules as ``_rules`` declared them, and their outcomes that never vary
    (made once by the ``shared`` function :func:`outcomes` is given)."""

    __slots__ = ("fixed", "passed", "rules")

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self.passed: list[RuleOutcome] = []
        self.fixed: dict[tuple[int, Status, str], RuleOutcome] = {}


_BUILT_IN: list[BuiltIn] = []
_ANSWER: list[tuple[int, BuiltIn | None]] = [(-1, None)]
"""The last answer of :func:`built_in_rules`, with ``RULES.changes`` when it was given."""


def built_in_rules() -> BuiltIn | None:
    """The built-in rules, if ``RULES`` holds them now as ``_rules`` declared them (not
    replaced, removed or reordered), else None."""
    changes = getattr(RULES, "changes", None)
    answer = _ANSWER[0]  # (one read: another thread may replace it)
    if changes is not None and answer[0] == changes:
        return answer[1]
    if not _BUILT_IN:
        declared = tuple(RULES.values())[:_COUNT]
        if tuple(rule.check for rule in declared) != BUILT_IN_CHECKS:
            return None
        _BUILT_IN.append(BuiltIn(declared))
    built = _BUILT_IN[0]
    held = len(RULES) >= _COUNT and all(map(operator.is_, RULES.values(), built.rules))
    found = built if held else None
    if changes is not None:
        _ANSWER[0] = (changes, found)
    return found


Shared = Callable[[Rule, Status, "str | None"], "RuleOutcome"]
"""``shared(rule, status, why)``: the outcome for a status and a fixed reason."""
Run = Callable[[Rule, "Handover", RuleContext], "RuleOutcome"]
"""``run(rule, handover, context)``: one rule's outcome, the one-by-one way."""


def outcomes(
    handover: Handover,
    context: RuleContext,
    built: BuiltIn,
    shared: Shared,
    run: Run,
    *,
    validated: bool = False,
) -> list[RuleOutcome] | None:
    """The outcomes of the built-in rules (:func:`built_in_rules`) for ``handover``, or
    None.

    ``shared`` gives the outcomes of fixed reasons (as the one-by-one path does) and
    ``run`` runs one rule the one-by-one way (FH-H009 on a postcode allocation).
    ``validated`` says that ``handover`` was validated by its model and not changed
    since: its journey is then in time order (the model refuses an event dated before the
    one before it), so no event is later than ``now`` unless the last one is, and its
    times have fixed offsets in the years 1900-9998, which ``london_date`` always
    converts; and it and its records are the models' own classes, whose fields are in
    their ``__dict__``.
    """
    if not built.passed:
        built.passed = [shared(rule, _PASSED, None) for rule in built.rules]
    try:
        return _outcomes(handover, context, built, shared, run, validated)
    except Exception:  # the one-by-one path reports what broke, rule by rule
        return None


def _repeats(values: list[object]) -> bool:
    """True if ``values`` holds a value twice."""
    return len(set(values)) < len(values)


class _Attributes:
    """A model's attributes as ``attributes[name]``, like its ``__dict__`` (a model that
    was not validated in the same call may be a subclass, or may lack a field)."""

    __slots__ = ("_of",)

    def __init__(self, of: object) -> None:
        self._of = of

    def __getitem__(self, name: str) -> Any:
        return getattr(self._of, name)


def _failed(rule: Rule, paths: tuple[str, ...]) -> RuleOutcome:
    from ._handover import RuleOutcome

    return RuleOutcome(rule.code, rule.severity, _FAILED, paths, rule.message)


def _outcomes(
    handover: Handover,
    context: RuleContext,
    built: BuiltIn,
    shared: Shared,
    run: Run,
    validated: bool = False,
) -> list[RuleOutcome]:
    failed = _failed
    rules = built.rules
    passed = built.passed
    fixed = built.fixed

    def outcome(index: int, status: Status, why: str) -> RuleOutcome:
        """Rule ``index``'s outcome for a fixed reason, made once."""
        found = fixed.get((index, status, why))
        if found is None:
            found = fixed[index, status, why] = shared(rules[index], status, why)
        return found

    (h001, h002, h003, h004, h005, h006, h007, h008, h009, h010, h011, h012, h013, h014) = rules
    config = context.config
    now = context.now
    # A validated handover's fields (and its records') are read from its ``__dict__``:
    # one dictionary lookup each instead of a pydantic model's attribute read.
    fields: Any = handover.__dict__ if validated else _Attributes(handover)
    at = fields["handed_over_at"]
    # ``later(value, now)`` is False for a fixed-offset value on a day three or more
    # before ``now``'s (``later``'s own shortcut): most values, tested without the call.
    zones = FIXED_OFFSET_CLASSES
    cut = now.toordinal() - 3 if now is not None and now.tzinfo.__class__ in zones else 0
    result: list[RuleOutcome] = []
    append = result.append

    # FH-H001
    if config is None:
        append(outcome(0, _COULD_NOT_RUN, _NO_CONFIG))
    elif _rules._member(config.cluster, fields["receiving_la"]) is None:
        append(failed(h001, ("/receiving_la",)))
    else:
        append(passed[0])

    # One walk of the consents: FH-H002, H003, H004, H005 (consents), and the purposes
    # for H011. A validated handover's times all have fixed offsets (see ``outcomes``).
    sharing = 0
    lapsed: list[int] = []
    late: list[str] = []
    future: list[str] = []
    purposes: list[object] = []
    consents = fields["consents"]
    for index, consent in enumerate(consents):
        record = consent.__dict__ if validated else _Attributes(consent)
        given = record["given_at"]
        withdrawn = record["withdrawn_at"]
        purpose = record["purpose"]
        purposes.append(purpose)
        if purpose is _SHARE:
            sharing += 1
            expires = record["expires_at"]
            if (withdrawn is not None and not later(withdrawn, at)) or (
                expires is not None and not later(expires, at)
            ):
                lapsed.append(index)
            if later(given, at):
                late.append(f"/consents/{index}/given_at")
        if now is not None:
            if (
                given.toordinal() > cut or (not validated and given.tzinfo.__class__ not in zones)
            ) and later(given, now):
                future.append(f"/consents/{index}/given_at")
            if withdrawn is not None and later(withdrawn, now):
                future.append(f"/consents/{index}/withdrawn_at")

    # FH-H002, H003, H004
    if sharing:
        append(passed[1])
        if len(lapsed) < sharing:
            append(passed[2])
        else:
            append(failed(h003, tuple([f"/consents/{index}" for index in lapsed])))
        append(failed(h004, tuple(late)) if late else passed[3])
    else:
        append(failed(h002, ("/consents",)))
        append(outcome(2, _NOT_APPLICABLE, _NO_SHARE))
        append(outcome(3, _NOT_APPLICABLE, _NO_SHARE))

    # The journey: H008's enquiry date, and FH-H005 (journey). A validated journey is in
    # time order (see ``outcomes``): none of its events is later than ``now`` unless the
    # last one is, so only then, or for a journey not validated, are all looked at.
    journey = fields["journey"]
    enquired: dt.datetime | None = None
    for event in journey:
        if event.stage is _ENQUIRED:
            enquired = event.at
            break
    if now is None:
        append(outcome(4, _COULD_NOT_RUN, "no clock was given (pass now=, or --as-of)"))
    else:
        paths = (
            ["/handed_over_at"]
            if (at.toordinal() > cut or at.tzinfo.__class__ not in zones) and later(at, now)
            else []
        )
        last_at = journey[-1].at
        if not validated or (
            (last_at.toordinal() > cut or last_at.tzinfo.__class__ not in zones)
            and later(last_at, now)
        ):
            for index, event in enumerate(journey):
                stamp = event.at
                if (stamp.toordinal() > cut or stamp.tzinfo.__class__ not in zones) and later(
                    stamp, now
                ):
                    paths.append(f"/journey/{index}/at")
        paths += future
        append(failed(h005, tuple(paths)) if paths else passed[4])

    # FH-H006
    last = journey[-1]
    if last.stage is _HANDED_OVER and same_instant(last.at, at):
        append(passed[5])
    else:
        append(failed(h006, (f"/journey/{len(journey) - 1}",)))

    # FH-H007
    applicants = fields["applicants"]
    joint = fields["joint_application"]
    if joint is None:
        append(outcome(6, _NOT_APPLICABLE, "joint_application is not given"))
    elif len(applicants) == (2 if joint else 1):
        append(passed[6])
    else:
        append(failed(h007, ("/applicants",)))

    # FH-H008
    if enquired is None:
        append(outcome(7, _COULD_NOT_RUN, "the journey has no enquired event"))
    else:
        # The enquiry's London date is within two days of its date as written (offsets are
        # under a day, London's 0-2 hours), so an applicant born 20 or more years before
        # that year is an adult on it whichever it is. A validated handover's times always
        # convert, so the date is worked out only for a younger applicant; otherwise it is
        # worked out first, as the rule does (in case that raises).
        adult_age = _rules.ADULT_AGE
        day = None if validated else london_date(enquired)
        young = []
        missing = []
        for index, applicant in enumerate(applicants):
            born = applicant.date_of_birth
            if born is None:
                missing.append(index)
                continue
            if day is None:
                if enquired.year - born.year - 2 >= adult_age:
                    continue
                day = london_date(enquired)
            if day.year - born.year - ((day.month, day.day) < (born.month, born.day)) < adult_age:
                young.append(f"/applicants/{index}/date_of_birth")
        if young:
            append(failed(h008, tuple(young)))
        elif missing:
            append(run(h008, handover, context))  # the reason names the applicants
        else:
            append(passed[7])

    # FH-H009: rarely more than "not applicable"; otherwise the rule itself (it loads the
    # lookup), its outcome made the one-by-one way unless it passed
    if fields["allocation"].policy != "postcode":
        why = "the allocation was not made by the postcode policy"
        append(outcome(8, _NOT_APPLICABLE, why))
    elif h009.check(handover, context).__class__ is Passed:
        append(passed[8])
    else:
        append(run(h009, handover, context))

    # FH-H010. Two members are the same person only if their first names are the same:
    # on a validated handover (where each member has the fields the rule reads, each
    # hashable), members whose names all differ are not looked at again.
    household = fields["household"]
    members: list[str] = []
    if len(household) > 1 and (
        not validated or _repeats([member.first_name for member in household])
    ):
        known: set[object] = set()
        for index, member in enumerate(household):
            person = (member.relationship, member.first_name, member.date_of_birth)
            if person in known:
                members.append(f"/household/{index}")
            known.add(person)
    append(failed(h010, tuple(members)) if members else passed[9])

    # FH-H011: the key is (purpose, given_at, means); given times are only compared within
    # a purpose and means (hashing a new aware datetime asks its zone for the offset). On
    # a validated handover, records whose purposes all differ are not looked at again.
    repeated: list[str] = []
    if not validated or _repeats(purposes):
        given_by_kind: dict[tuple[object, object], list[dt.datetime]] = {}
        for index, consent in enumerate(consents):
            given = consent.given_at
            kind = (consent.purpose, consent.means)
            earlier = given_by_kind.get(kind)
            if earlier is None:
                given_by_kind[kind] = [given]
            else:
                if any(same_instant(other, given) for other in earlier):
                    repeated.append(f"/consents/{index}")
                earlier.append(given)
    append(failed(h011, tuple(repeated)) if repeated else passed[10])

    # FH-H012, H013, H014: the handover profile
    if config is None:
        append(outcome(11, _COULD_NOT_RUN, _NO_CONFIG))
        append(outcome(12, _COULD_NOT_RUN, _NO_CONFIG))
        append(outcome(13, _COULD_NOT_RUN, _NO_CONFIG))
        return result
    profile = config.handover
    required = profile.required_fields
    if not required:
        append(outcome(11, _NOT_APPLICABLE, "the profile requires no extra fields"))
    else:
        absent: list[str] = []
        for name in required:
            if getattr(handover, name, None) in (None, []):
                absent.append(f"/{name}")
        append(failed(h012, tuple(absent)) if absent else passed[11])
    allowed = profile.allowed_interests
    if allowed is None:
        append(outcome(12, _NOT_APPLICABLE, "the profile does not limit interests"))
    else:
        bad = [f"/interests/{i}" for i, x in enumerate(fields["interests"]) if x not in allowed]
        append(failed(h013, tuple(bad)) if bad else passed[12])
    limit = profile.max_notes_length
    if limit is None:
        append(outcome(13, _NOT_APPLICABLE, "the profile sets no notes length"))
    else:
        long: list[str] = []
        for name in _rules.NOTES_FIELDS:
            if len(fields[name] or "") > limit:
                long.append(f"/{name}")
        append(failed(h014, tuple(long)) if long else passed[13])
    return result
