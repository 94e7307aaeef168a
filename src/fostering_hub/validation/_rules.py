"""The handover rules (sources: the DfE hub guide's data sharing section, the Fostering
Services (England) Regulations 2011 and the hub config's handover profile)."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import (
    Cluster,
    ConsentPurpose,
    ConsentRecord,
    Handover,
    LocalAuthority,
    Stage,
    london_date,
)
from ..models._datetime import later, same_instant
from ._catalogue import (
    CouldNotRun,
    Failed,
    NotApplicable,
    Passed,
    RuleContext,
    Severity,
    Verdict,
    rule,
)

if TYPE_CHECKING:
    from ..allocation import PostcodeLookup, PostcodeOptions

ADULT_AGE = 18  # Fostering applicants must be adults (Fostering Services Regulations 2011)
NOTES_FIELDS = ("first_conversation_summary", "initial_visit_notes")


_PASSED = Passed()


def _failed_or_passed(paths: list[str]) -> Verdict:
    return Failed(tuple(paths)) if paths else _PASSED


_SHARE = ConsentPurpose.SHARE_WITH_LA
_ENQUIRED = Stage.ENQUIRED
_HANDED_OVER = Stage.HANDED_OVER


def _share_consents(handover: Handover) -> list[tuple[int, ConsentRecord]]:
    return [(i, c) for i, c in enumerate(handover.consents) if c.purpose is _SHARE]


_MEMBERS: list[tuple[Cluster, dict[str, LocalAuthority]]] = []


def _member(cluster: Cluster, code: str) -> LocalAuthority | None:
    """``cluster.member(code)`` through an index of the last cluster seen (immutable)."""
    last = _MEMBERS[0] if _MEMBERS else None  # one read: another thread may replace it
    if last is None or last[0] is not cluster:
        index: dict[str, LocalAuthority] = {}
        for member in cluster.members:  # the first member with the code, as member() finds
            for known in (
                member.gss_code,
                member.dfe_number,
                *(f.gss_code for f in member.former_codes),
            ):
                index.setdefault(known, member)
        last = (cluster, index)
        _MEMBERS[:] = [last]
    return last[1].get(code)


@rule("FH-H001", Severity.ERROR, ("receiving_la",), "The receiving LA is not a member of the hub")
def receiving_la_is_member(handover: Handover, context: RuleContext) -> Verdict:
    """The LA a household is handed to must be one of the hub's member LAs, as listed in the
    hub config (former GSS codes and DfE numbers of members are accepted)."""
    if context.config is None:
        return CouldNotRun("no hub config was given")
    if _member(context.config.cluster, handover.receiving_la) is None:
        return Failed(("/receiving_la",))
    return _PASSED


@rule(
    "FH-H002",
    Severity.ERROR,
    ("consents",),
    "There is no consent record for sharing with the LA",
)
def share_consent_present(handover: Handover, context: RuleContext) -> Verdict:
    """A handover shares personal data with the receiving LA: the payload must carry a record
    for the purpose ``share_with_la`` (under consent or another lawful basis, such as public
    task), as the data sharing agreement requires."""
    return _PASSED if _share_consents(handover) else Failed(("/consents",))


@rule(
    "FH-H003",
    Severity.ERROR,
    ("consents", "handed_over_at"),
    "Consent to share with the LA was withdrawn or had expired by the handover",
)
def share_consent_in_force(handover: Handover, context: RuleContext) -> Verdict:
    """At least one ``share_with_la`` record must be in force at ``handed_over_at``: not
    withdrawn and not expired at or before that time."""
    records = _share_consents(handover)
    if not records:
        return NotApplicable("no share_with_la record (see FH-H002)")
    at = handover.handed_over_at
    lapsed = [
        index
        for index, c in records
        if (c.withdrawn_at is not None and not later(c.withdrawn_at, at))
        or (c.expires_at is not None and not later(c.expires_at, at))
    ]
    if len(lapsed) < len(records):
        return _PASSED
    return Failed(tuple(f"/consents/{index}" for index in lapsed))


@rule(
    "FH-H004",
    Severity.ERROR,
    ("consents", "handed_over_at"),
    "Consent to share with the LA was given after the handover",
)
def share_consent_before_handover(handover: Handover, context: RuleContext) -> Verdict:
    """Sharing needs the basis first: every ``share_with_la`` record must be given at or
    before ``handed_over_at``."""
    records = _share_consents(handover)
    if not records:
        return NotApplicable("no share_with_la record (see FH-H002)")
    at = handover.handed_over_at
    late = [f"/consents/{index}/given_at" for index, c in records if later(c.given_at, at)]
    return _failed_or_passed(late)


@rule(
    "FH-H005",
    Severity.ERROR,
    ("handed_over_at", "journey", "consents"),
    "A timestamp is in the future",
)
def nothing_in_the_future(handover: Handover, context: RuleContext) -> Verdict:
    """No timestamp (the handover, journey events, consents given or withdrawn) may be later
    than the validation clock (``now``, injected; the CLI's ``--as-of``)."""
    if context.now is None:
        return CouldNotRun("no clock was given (pass now=, or --as-of)")
    now = context.now
    paths = ["/handed_over_at"] if later(handover.handed_over_at, now) else []
    paths += [f"/journey/{i}/at" for i, e in enumerate(handover.journey) if later(e.at, now)]
    for i, consent in enumerate(handover.consents):
        if later(consent.given_at, now):
            paths.append(f"/consents/{i}/given_at")
        if consent.withdrawn_at is not None and later(consent.withdrawn_at, now):
            paths.append(f"/consents/{i}/withdrawn_at")
    return _failed_or_passed(paths)


@rule(
    "FH-H006",
    Severity.ERROR,
    ("journey", "handed_over_at"),
    "The journey does not end with the handover at handed_over_at",
)
def journey_ends_with_handover(handover: Handover, context: RuleContext) -> Verdict:
    """The journey so far must end with a ``handed_over`` event dated ``handed_over_at``
    (the model already checks that events are legal and in time order)."""
    last = handover.journey[-1]
    if last.stage is _HANDED_OVER and same_instant(last.at, handover.handed_over_at):
        return _PASSED
    return Failed((f"/journey/{len(handover.journey) - 1}",))


@rule(
    "FH-H007",
    Severity.ERROR,
    ("joint_application", "applicants"),
    "The number of applicants does not match joint_application",
)
def joint_application_has_two(handover: Handover, context: RuleContext) -> Verdict:
    """A joint application has two applicants; a single one has one."""
    if handover.joint_application is None:
        return NotApplicable("joint_application is not given")
    expected = 2 if handover.joint_application else 1
    return _PASSED if len(handover.applicants) == expected else Failed(("/applicants",))


@rule(
    "FH-H008",
    Severity.ERROR,
    ("applicants", "journey"),
    "An applicant was under 18 on the enquiry date",
)
def applicants_are_adults(handover: Handover, context: RuleContext) -> Verdict:
    """Every applicant must be 18 or over on the enquiry date (the journey's ``enquired``
    event, as a Europe/London date). An applicant without a date of birth cannot be
    checked, and the rule says so."""
    enquired = None
    for event in handover.journey:
        if event.stage is _ENQUIRED:
            enquired = event.at
            break
    if enquired is None:
        return CouldNotRun("the journey has no enquired event")
    day = london_date(enquired)
    on = (day.month, day.day)
    young = []
    missing = []
    for i, applicant in enumerate(handover.applicants):
        born = applicant.date_of_birth
        if born is None:
            missing.append(i)
        elif day.year - born.year - (on < (born.month, born.day)) < ADULT_AGE:  # age on day
            young.append(f"/applicants/{i}/date_of_birth")
    if young:
        return Failed(tuple(young))
    if missing:
        return CouldNotRun(f"applicant {', '.join(map(str, missing))} has no date of birth")
    return _PASSED


@rule(
    "FH-H009",
    Severity.ERROR,
    ("allocation", "receiving_la", "applicants"),
    "A postcode allocation names an LA the postcode lookup does not give",
)
def postcode_allocation_consistent(handover: Handover, context: RuleContext) -> Verdict:
    """When the allocation says the ``postcode`` policy decided, the receiving LA must be
    one of the candidates the hub's configured postcode lookup gives for the first
    applicant's postcode."""
    if handover.allocation.policy != "postcode":
        return NotApplicable("the allocation was not made by the postcode policy")
    if context.config is None:
        return CouldNotRun("no hub config was given")
    if "postcode" not in context.config.allocation.chain:
        return CouldNotRun("the hub config has no postcode policy")
    address = handover.applicants[0].address
    if address is None:
        return CouldNotRun("the first applicant has no address")
    options = _postcode_options(context.config.allocation.policies.get("postcode", {}))
    try:
        lookup = _cached_lookup(options.lookup, context.base_dir)
    except ValueError as error:
        return CouldNotRun(f"the postcode lookup could not be loaded ({type(error).__name__})")
    match = lookup.find(address.postcode)
    if match is None:
        return CouldNotRun("the postcode is not in the lookup")
    member = _member(context.config.cluster, handover.receiving_la)
    receiving = member.gss_code if member else handover.receiving_la
    for candidate in match.candidates:
        if candidate.gss_code == receiving:
            return _PASSED
    return Failed(("/receiving_la",))


_OPTIONS: list[tuple[Any, PostcodeOptions]] = []


def _postcode_options(raw: Any) -> PostcodeOptions:
    """``PostcodeOptions.model_validate(raw)``, again only when ``raw`` has changed."""
    last = _OPTIONS[0] if _OPTIONS else None  # one read: another thread may replace it
    if last is not None and last[0] == raw:
        return last[1]
    from ..allocation import PostcodeOptions

    options = PostcodeOptions.model_validate(raw)  # raises as before for bad options
    _OPTIONS[:] = [(copy.deepcopy(raw), options)]
    return options


@functools.lru_cache(maxsize=8)
def _cached_lookup(name: str, base_dir: Path | None) -> PostcodeLookup:
    from ..allocation import load_lookup

    return load_lookup(name, base_dir)


@rule(
    "FH-H010",
    Severity.WARNING,
    ("household",),
    "The same household member is listed twice",
)
def duplicate_household_members(handover: Handover, context: RuleContext) -> Verdict:
    """Two household entries with the same relationship, first name and date of birth are
    probably one person entered twice."""
    seen: set[object] = set()
    paths = []
    for index, m in enumerate(handover.household):
        key = (m.relationship, m.first_name, m.date_of_birth)
        if key in seen:  # listed before, so listed more than once
            paths.append(f"/household/{index}")
        seen.add(key)
    return _failed_or_passed(paths)


@rule(
    "FH-H011",
    Severity.WARNING,
    ("consents",),
    "The same consent record is listed twice",
)
def duplicate_consents(handover: Handover, context: RuleContext) -> Verdict:
    """Two consent records with the same purpose, time given and means are one consent
    recorded twice."""
    seen: set[object] = set()
    paths = []
    for index, c in enumerate(handover.consents):
        key = (c.purpose, c.given_at, c.means)
        if key in seen:
            paths.append(f"/consents/{index}")
        seen.add(key)
    return _failed_or_passed(paths)


@rule(
    "FH-H012",
    Severity.ERROR,
    ("*",),
    "A field the hub's handover profile requires is missing",
)
def profile_required_fields(handover: Handover, context: RuleContext) -> Verdict:
    """The handover profile in the hub config (``[handover] required_fields``) can require
    fields the base schema leaves optional; they must be present and not null."""
    if context.config is None:
        return CouldNotRun("no hub config was given")
    required = context.config.handover.required_fields
    if not required:
        return NotApplicable("the profile requires no extra fields")
    missing = [f"/{name}" for name in required if getattr(handover, name, None) in (None, [])]
    return _failed_or_passed(missing)


@rule(
    "FH-H013",
    Severity.ERROR,
    ("interests",),
    "A fostering interest is not one the hub's handover profile allows",
)
def profile_allowed_interests(handover: Handover, context: RuleContext) -> Verdict:
    """The profile's ``allowed_interests`` limits the fostering interests a payload may
    carry (e.g. a hub that does not place unaccompanied asylum-seeking children)."""
    if context.config is None:
        return CouldNotRun("no hub config was given")
    allowed = context.config.handover.allowed_interests
    if allowed is None:
        return NotApplicable("the profile does not limit interests")
    bad = [f"/interests/{i}" for i, x in enumerate(handover.interests) if x not in allowed]
    return _failed_or_passed(bad)


@rule(
    "FH-H014",
    Severity.ERROR,
    NOTES_FIELDS,
    "A notes field is longer than the hub's handover profile allows",
)
def profile_notes_length(handover: Handover, context: RuleContext) -> Verdict:
    """The profile's ``max_notes_length`` caps the free-text fields
    ``first_conversation_summary`` and ``initial_visit_notes`` (in characters)."""
    if context.config is None:
        return CouldNotRun("no hub config was given")
    limit = context.config.handover.max_notes_length
    if limit is None:
        return NotApplicable("the profile sets no notes length")
    long = [f"/{name}" for name in NOTES_FIELDS if len(getattr(handover, name) or "") > limit]
    return _failed_or_passed(long)
