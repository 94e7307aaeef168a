"""The strategies behind :mod:`fostering_hub.testing`."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import string
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from ..models import (
    MILESTONES,
    NORTH_EAST,
    SCHEMA_VERSION,
    Address,
    Applicant,
    Channel,
    ConsentMeans,
    ConsentPurpose,
    ConsentRecord,
    ContactMethod,
    Enquiry,
    FosteringInterest,
    Handover,
    HouseholdMember,
    InitialVisitOutcome,
    Journey,
    LawfulBasis,
    Relationship,
    Stage,
    WithdrawalReason,
    can_follow,
    normalise_email,
    normalise_postcode,
    normalise_uk_phone,
    to_london,
)

# --------------------------------------------------------------------------- text


_TEXT = st.characters(codec="utf-8")  # any character JSON can carry (no lone surrogates)


@functools.cache
def _free_text(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            (
                "Called back, keen to hear about short breaks.",
                "Weekday evenings after 6pm",
                "Heard about us on the radio",
            )
        ),
        st.text(_TEXT, min_size=1, max_size=max_size),
    )


_NAMES = st.one_of(
    st.sampled_from(
        (
            "Alex",
            "Sam",
            "Jo",
            "Priya",
            "Mohammed",
            "Siobhán",
            "Zoë",
            "O'Neill",
            "Smith-Jones",
            "Nguyễn",
            "Ng",
            "de la Cruz",
        )
    ),
    st.text(
        st.characters(categories=["L"], include_characters=" -'", codec="utf-8"),
        min_size=1,
        max_size=40,
    ),
)

_IDENTIFIERS = st.one_of(
    st.builds(
        "{}-{}-{:06d}".format,
        st.sampled_from(("NE", "ENQ", "FWNE", "HO")),
        st.integers(2015, 2035),
        st.integers(0, 999_999),
    ),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", fullmatch=True),
)

# --------------------------------------------------------------------------- postcodes

# Postcode areas of England, Wales, Scotland and Northern Ireland (a sample), then the
# shapes of a district: A9, A99, A9A (after one letter); AA9, AA99, AA9A (after two).
_AREAS = (
    *("B", "E", "G", "L", "M", "N", "S", "W", "BT", "CA", "CF", "DH", "DL", "EC", "EH"),
    *("LS", "NE", "SR", "SW", "TS", "WC", "YO"),
)
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code


_GIR = st.integers(0, 49)
_AREA = st.one_of(st.sampled_from(_AREAS), st.text(string.ascii_uppercase, min_size=1, max_size=2))
_DISTRICT_NUMBERS = (st.integers(0, 9), st.integers(0, 99))
_LETTERS = st.sampled_from(string.ascii_uppercase)
_DIGITS = st.integers(0, 9)
_UNIT = st.text(_UNIT_LETTERS, min_size=2, max_size=2)
_BOOLEANS = st.booleans()


@st.composite
def _postcode(draw: st.DrawFn) -> str:
    if draw(_GIR) == 0:
        return "GIR 0AA"
    area = draw(_AREA)
    district = str(draw(_DISTRICT_NUMBERS[draw(_BOOLEANS)]))
    if len(district) == 1 and draw(_BOOLEANS):
        district += draw(_LETTERS)
    return f"{area}{district} {draw(_DIGITS)}{draw(_UNIT)}"


_POSTCODES = _postcode()
_CASES = st.sampled_from((str.upper, str.lower, str.title, str.swapcase))


@st.composite
def _postcode_input(draw: st.DrawFn) -> str:
    text = draw(_CASES)(draw(_POSTCODES))
    return text if draw(_BOOLEANS) else text.replace(" ", "")


_POSTCODE_INPUTS = _postcode_input()
_NORMAL_POSTCODES = _POSTCODES.map(normalise_postcode)


def postcodes(*, normalised: bool = False) -> st.SearchStrategy[str]:
    """UK postcodes, as :data:`~fostering_hub.models.Postcode` accepts them.

    By default the text varies as people type it (any case, with or without the space,
    e.g. ``"sr13aa"``); with ``normalised=True`` it is the normal form the type stores
    (``"SR1 3AA"``). Areas and districts have real shapes; ``GIR 0AA`` turns up too.
    """
    return _NORMAL_POSTCODES if normalised else _POSTCODE_INPUTS


# --------------------------------------------------------------------------- phones

# Ofcom's numbers for TV, radio and drama, as (national significant number prefix, group
# sizes of the usual written form). Every number in each range was checked to be one
# ``phonenumbers`` calls valid; 0115 496 0xxx, 01632 960xxx and 07700 900xxx are not,
# so they are left out.
_DRAMA_RANGES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("1134960", (3, 3, 4)),  # Leeds
    ("1144960", (3, 3, 4)),  # Sheffield
    ("1164960", (3, 3, 4)),  # Leicester
    ("1174960", (3, 3, 4)),  # Bristol
    ("1184960", (3, 3, 4)),  # Reading
    ("1214960", (3, 3, 4)),  # Birmingham
    ("1314960", (3, 3, 4)),  # Edinburgh
    ("1414960", (3, 3, 4)),  # Glasgow
    ("1514960", (3, 3, 4)),  # Liverpool
    ("1614960", (3, 3, 4)),  # Manchester
    ("1914980", (3, 3, 4)),  # Tyneside, Durham and Sunderland
    ("2079460", (2, 4, 4)),  # London
    ("2896496", (2, 4, 4)),  # Northern Ireland
    ("2920180", (2, 4, 4)),  # Cardiff
    ("3069990", (4, 6)),  # UK-wide (03)
    ("8081570", (4, 6)),  # freephone
    ("9098790", (3, 3, 4)),  # premium rate
)


def _grouped(digits: str, sizes: Sequence[int], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


#: How people write a number, from its digits (after the 0 or 44) and their groups.
_PHONE_FORMS: tuple[Callable[[str, Sequence[int]], str], ...] = (
    lambda n, g: "0" + _grouped(n, g, " "),  # 0191 498 0123
    lambda n, g: "0" + n,  # 01914980123
    lambda n, g: "0" + _grouped(n, g, "-"),  # 0191-498-0123
    lambda n, g: "+44 " + _grouped(n, g, " "),  # +44 191 498 0123
    lambda n, g: "+44" + n,  # +441914980123 (E.164)
    lambda n, g: "0044 " + _grouped(n, g, " "),  # 0044 191 498 0123
    lambda n, g: "+44 (0)" + _grouped(n, g, " "),  # +44 (0)191 498 0123
    lambda n, g: "+44-" + _grouped(n, g, "-"),  # +44-191-498-0123
)
_RANGES = st.sampled_from(_DRAMA_RANGES)
_LAST_DIGITS = st.text(string.digits, min_size=3, max_size=3)
_FORMS = st.sampled_from(_PHONE_FORMS)


@st.composite
def _phone_input(draw: st.DrawFn) -> str:
    prefix, sizes = draw(_RANGES)
    return draw(_FORMS)(prefix + draw(_LAST_DIGITS), sizes)


_PHONE_INPUTS = _phone_input()
_E164_PHONES = _PHONE_INPUTS.map(normalise_uk_phone)


def uk_phone_numbers(*, normalised: bool = False) -> st.SearchStrategy[str]:
    """UK phone numbers from Ofcom's drama ranges, as :data:`UKPhoneNumber` accepts them.

    By default national and international written forms are mixed: ``0191 498 0123``,
    ``01914980123``, ``0191-498-0123``, ``+44 191 498 0123``, ``+441914980123``,
    ``0044 191 498 0123`` and ``+44 (0)191 498 0123``. With ``normalised=True`` they are
    in E.164, the form the type stores. Only ranges that ``phonenumbers`` calls valid are
    used (geographic drama numbers, 03069 990, 08081 570 and 0909 879 0); Ofcom's drama
    mobile range 07700 900 is not valid to ``phonenumbers`` and never appears.
    """
    return _E164_PHONES if normalised else _PHONE_INPUTS


# --------------------------------------------------------------------------- emails

_ATOMS = st.lists(
    st.text(
        st.one_of(
            st.sampled_from(string.ascii_letters + string.digits),
            st.sampled_from("!#$%&'*+/=?^_`{|}~-"),
        ),
        min_size=1,
        max_size=12,
    ),
    min_size=1,
    max_size=3,
)
_EMAIL_DOMAINS = st.sampled_from(
    ("example.com", "example.org", "example.net", "example.co.uk", "example")
)
# At most one hyphen in a row: "ab--c" is refused (only Punycode may have "--" there).
_SUBDOMAIN = st.from_regex(r"[a-z0-9]{1,10}(?:-[a-z0-9]{1,10})?", fullmatch=True)
_DOMAIN_CASES = st.sampled_from((str.lower, str.upper, str.title))


@st.composite
def _email_input(draw: st.DrawFn) -> str:
    domain = draw(_EMAIL_DOMAINS)
    if domain == "example" or draw(_BOOLEANS):
        domain = f"{draw(_SUBDOMAIN)}.{domain}"
    return f"{'.'.join(draw(_ATOMS))}@{draw(_DOMAIN_CASES)(domain)}"


_EMAIL_INPUTS = _email_input()
_NORMAL_EMAILS = _EMAIL_INPUTS.map(normalise_email)


def emails(*, normalised: bool = False) -> st.SearchStrategy[str]:
    """Email addresses that :data:`~fostering_hub.models.EmailAddress` accepts.

    ASCII dot-atom local parts (letters, digits and the specials ``!#$%&'*+/=?^_`{|}~-``)
    at the domains reserved for examples (``example.com``, ``example.co.uk``, a
    subdomain of ``example``...). By default the domain's case varies as people type it;
    with ``normalised=True`` the address is in the form the type stores (domain lower
    case).
    """
    return _NORMAL_EMAILS if normalised else _EMAIL_INPUTS


# --------------------------------------------------------------------------- GSS codes

_NORTH_EAST_CODES = sorted(
    {code for la in NORTH_EAST for code in (la.gss_code, *(f.gss_code for f in la.former_codes))}
)
_GSS_CODES = st.one_of(
    st.sampled_from(_NORTH_EAST_CODES),
    st.builds(
        "{}{:06d}".format,
        st.sampled_from(("E06", "E07", "E08", "E09", "E10")),
        st.integers(0, 999_999),
    ),
)


def gss_codes() -> st.SearchStrategy[str]:
    """ONS GSS codes of English local authorities (``E06``-``E10`` and six digits).

    Half are the real current and former codes of the North East LAs (from
    :data:`~fostering_hub.models.NORTH_EAST`), half have the right shape only.
    """
    return _GSS_CODES


# --------------------------------------------------------------------------- timestamps

_FIRST_DAY = dt.date(1990, 1, 1)
_LAST_DAY = dt.date(2035, 12, 31)
#: Fixed UTC offsets an aware timestamp may carry (whole minutes, as JSON can say them).
_OFFSETS = st.sampled_from(
    [dt.timezone(dt.timedelta(minutes=m)) for m in (0, 60, -300, 330, 540, -210, 765, -720)]
)


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month, 31)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


_YEARS = st.integers(_FIRST_DAY.year, _LAST_DAY.year)
_DAY_KINDS = st.integers(0, 9)


@st.composite
def _special_day(draw: st.DrawFn) -> dt.date:
    """A day where dates go wrong: BST changes, year ends, Christmas, leap days."""
    year = draw(_YEARS)
    kind = draw(_DAY_KINDS)
    if kind == 0:
        return _last_sunday(year, 3)  # BST starts: 01:00-01:59 does not exist
    if kind == 1:
        return _last_sunday(year, 10)  # BST ends: 01:00-01:59 happens twice
    leap_day = (2, 29) if year % 4 == 0 and (year % 100 or year % 400 == 0) else (2, 28)
    month, day = ((3, 31), (4, 1), (12, 24), (12, 25), (12, 26), (12, 31), (1, 1), leap_day)[
        kind - 2
    ]
    return dt.date(year, month, day)


def _exists_in_london(local: dt.datetime) -> bool:
    try:
        to_london(local)
    except ValueError:
        return False
    return True


_DAYS = st.one_of(st.dates(_FIRST_DAY, _LAST_DAY), _special_day())
_CLOCKS = st.one_of(st.times(), st.times(max_value=dt.time(3, 0)))


@st.composite
def _london_wall_clock(draw: st.DrawFn) -> dt.datetime:
    """A naive Europe/London local time that exists (never in the hour BST skips)."""
    local = dt.datetime.combine(draw(_DAYS), draw(_CLOCKS))
    if not _exists_in_london(local):
        local += dt.timedelta(hours=1)  # 01:xx on the day BST starts -> 02:xx
    return local


_WALL_CLOCKS = _london_wall_clock()


def _london_zone() -> list[dt.tzinfo]:
    """The ``zoneinfo`` Europe/London zone, or nothing where there is no tz database."""
    with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError):
        return [zoneinfo.ZoneInfo("Europe/London")]
    return []  # pragma: no cover


#: Where an aware input may be given: a fixed offset (UTC among them) or London's zone.
_ZONES = st.one_of(_OFFSETS, st.sampled_from(_london_zone()))
#: Instants with London's fixed offset at the time. Arithmetic on them is exact (on a
#: zone-aware datetime it would be wall-clock arithmetic, wrong across a BST change).
_MOMENTS = _WALL_CLOCKS.map(to_london)


@st.composite
def _instant(draw: st.DrawFn) -> dt.datetime:
    """An aware datetime: London's offset then, UTC, another fixed offset or the zone."""
    instant = draw(_MOMENTS)
    return instant if draw(_BOOLEANS) else instant.astimezone(draw(_ZONES))


_INSTANTS = _instant()
_TIMESTAMPS = st.one_of(_WALL_CLOCKS, _INSTANTS)


def timestamps(*, aware: bool | None = None) -> st.SearchStrategy[dt.datetime]:
    """Datetimes that :data:`~fostering_hub.models.Timestamp` accepts (1990 to 2035).

    Naive ones are Europe/London wall-clock times and never fall in the hour skipped
    when BST starts; aware ones carry London's offset at that instant, UTC, another
    fixed whole-minute offset, or the ``zoneinfo`` Europe/London zone (in either run of
    the hour repeated when BST ends). Days where dates go wrong come up often: both BST
    changes (with times around 01:00), 31 March and 1 April, Christmas, New Year and
    leap days. ``aware=True`` or ``aware=False`` asks for one kind only.
    """
    if aware is None:
        return _TIMESTAMPS
    return _INSTANTS if aware else _WALL_CLOCKS


def _london_wall_time_of(instant: dt.datetime) -> dt.datetime | None:
    """The naive London time that means exactly ``instant``, if there is one.

    There is none in the second (GMT) run of the hour repeated when BST ends: naive
    input there is read as the first (BST) run.
    """
    utc = instant.astimezone(dt.UTC).replace(tzinfo=None)
    for hours in (1, 0):
        local = utc + dt.timedelta(hours=hours)
        if _exists_in_london(local) and to_london(local) == instant:
            return local
    return None


# Strategies are built once, here, and drawn from in plain helper functions: building
# strategies inside a draw makes hypothesis slower the longer it runs.
_SEPARATORS = st.sampled_from("T ")
_STYLES = st.integers(0, 2)
_DELAYS = st.one_of(
    st.just(dt.timedelta(0)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(hours=8)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=60)),
)


def _write(draw: st.DrawFn, instant: dt.datetime) -> dt.datetime | str:
    """``instant`` as some input that means exactly it.

    That is naive London time (when one means it), the instant with another offset or in
    the London zone, or as it is; and any of those as ISO 8601 text.
    """
    value, how, local = instant, draw(_STYLES), _london_wall_time_of(instant)
    if how == 1:
        value = instant.astimezone(draw(_ZONES))
    elif how == 2 and local is not None:
        value = local
    if draw(_BOOLEANS):
        return value.isoformat(sep=draw(_SEPARATORS))
    return value


def _optional(
    draw: st.DrawFn, data: dict[str, Any], fields: Mapping[str, st.SearchStrategy[Any]]
) -> dict[str, Any]:
    """Add each of ``fields`` (name -> strategy) to ``data``, or leave it out."""
    for name, strategy in fields.items():
        if draw(_BOOLEANS):
            data[name] = draw(strategy)
    return data


# --------------------------------------------------------------------------- people

_LINE1 = st.one_of(
    st.builds("{} {} Street".format, st.integers(1, 300), _NAMES),
    st.text(_TEXT, min_size=1, max_size=60),
)
_ADDRESS_OPTIONAL = {
    "line2": st.one_of(st.none(), st.text(_TEXT, max_size=60)),
    "town": st.one_of(st.none(), st.sampled_from(("Sunderland", "Gateshead", "Hexham")), _NAMES),
}


@st.composite
def _address_data(draw: st.DrawFn) -> dict[str, Any]:
    data = {"line1": draw(_LINE1), "postcode": draw(_POSTCODE_INPUTS)}
    return _optional(draw, data, _ADDRESS_OPTIONAL)


_ADDRESS_DATA = _address_data()
_ADDRESSES = _ADDRESS_DATA.map(Address.model_validate)


def addresses() -> st.SearchStrategy[Address]:
    """UK postal addresses (synthetic) with postcodes in varied input forms."""
    return _ADDRESSES


def _written_dates(days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[dt.date | str]:
    """Dates as ``date`` objects or ISO text."""
    return st.one_of(days, days.map(dt.date.isoformat))


_APPLICANT_OPTIONAL = {
    "date_of_birth": st.one_of(
        st.none(), _written_dates(st.dates(dt.date(1935, 1, 1), dt.date(2006, 12, 31)))
    ),
    "phone": st.one_of(st.none(), _PHONE_INPUTS),
    "email": st.one_of(st.none(), _EMAIL_INPUTS),
    "address": st.one_of(st.none(), _ADDRESS_DATA),
    "preferred_contact_method": st.one_of(st.none(), st.sampled_from(ContactMethod)),
    "preferred_contact_times": st.one_of(st.none(), _free_text(60)),
}


@st.composite
def _applicant_data(draw: st.DrawFn) -> dict[str, Any]:
    data = {"first_name": draw(_NAMES), "last_name": draw(_NAMES)}
    return _optional(draw, data, _APPLICANT_OPTIONAL)


_APPLICANT_DATA = _applicant_data()
_APPLICANTS = _APPLICANT_DATA.map(Applicant.model_validate)


def applicants() -> st.SearchStrategy[Applicant]:
    """Prospective foster carers, each field present or not independently.

    Names mix common, accented, hyphenated and arbitrary-letter names; phone numbers,
    emails and postcodes come in the varied input forms of :func:`uk_phone_numbers`,
    :func:`emails` and :func:`postcodes` (the model stores them normalised).
    """
    return _APPLICANTS


_RELATIONSHIPS = st.sampled_from(Relationship)
_MEMBER_OPTIONAL = {
    "first_name": st.one_of(st.none(), _NAMES),
    "date_of_birth": st.one_of(
        st.none(), _written_dates(st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31)))
    ),
}


@st.composite
def _household_member_data(draw: st.DrawFn) -> dict[str, Any]:
    return _optional(draw, {"relationship": draw(_RELATIONSHIPS)}, _MEMBER_OPTIONAL)


_MEMBER_DATA = _household_member_data()
_HOUSEHOLD_MEMBERS = _MEMBER_DATA.map(HouseholdMember.model_validate)


def household_members() -> st.SearchStrategy[HouseholdMember]:
    """Other members of a household (partners, children, lodgers...), names optional."""
    return _HOUSEHOLD_MEMBERS


# --------------------------------------------------------------------------- consents

_CONSENT_LEAD = st.timedeltas(dt.timedelta(days=-30), dt.timedelta(days=1))
_POLICY_VERSIONS = st.one_of(
    st.sampled_from(("2024-01", "v3", "1.2")), st.text(_TEXT, min_size=1, max_size=20)
)
_PURPOSES = st.sampled_from(ConsentPurpose)
_MEANS = st.sampled_from(ConsentMeans)
_BASES = st.sampled_from(LawfulBasis)
_CONSENT_ENDS = (
    ("withdrawn_at", st.timedeltas(dt.timedelta(0), dt.timedelta(days=400))),
    ("expires_at", st.timedeltas(dt.timedelta(0), dt.timedelta(days=1100))),
)


def _consent_data(draw: st.DrawFn, around: dt.datetime) -> dict[str, Any]:
    given = around + draw(_CONSENT_LEAD)
    data: dict[str, Any] = {
        "purpose": draw(_PURPOSES),
        "policy_version": draw(_POLICY_VERSIONS),
        "given_at": _write(draw, given),
        "means": draw(_MEANS),
    }
    if draw(_BOOLEANS):
        data["lawful_basis"] = draw(_BASES)
    for name, after in _CONSENT_ENDS:
        if draw(_BOOLEANS):
            data[name] = None if draw(_BOOLEANS) else _write(draw, given + draw(after))
    return data


@st.composite
def _consent(draw: st.DrawFn) -> ConsentRecord:
    return ConsentRecord.model_validate(_consent_data(draw, draw(_MOMENTS)))


_CONSENTS = _consent()


def consents() -> st.SearchStrategy[ConsentRecord]:
    """Consent and lawful-basis records; withdrawal and expiry never precede the giving."""
    return _CONSENTS


# --------------------------------------------------------------------------- enquiries

_SOURCE_TEXT = st.text(_TEXT, min_size=1, max_size=30)
_CHANNELS = st.sampled_from(Channel)
_ENQUIRY_OPTIONAL = {
    "source": st.one_of(st.none(), _SOURCE_TEXT),
    "campaign": st.one_of(st.none(), _SOURCE_TEXT),
    "household": st.lists(_MEMBER_DATA, max_size=3),
    "preferred_la": st.one_of(st.none(), _GSS_CODES),
    "council_tax_la": st.one_of(st.none(), _GSS_CODES),
    "interests": st.lists(st.sampled_from(FosteringInterest), unique=True, max_size=3),
    "spare_bedroom": st.one_of(st.none(), _BOOLEANS),
    "notes": st.one_of(st.none(), _free_text(200)),
}
_APPLICANT_LISTS = st.lists(_APPLICANT_DATA, min_size=1, max_size=2)
_SMALL_COUNTS = st.integers(0, 3)


def _enquiry_data(draw: st.DrawFn, received: dt.datetime) -> dict[str, Any]:
    data: dict[str, Any] = {
        "enquiry_id": draw(_IDENTIFIERS),
        "received_at": _write(draw, received),
        "channel": draw(_CHANNELS),
        "applicants": draw(_APPLICANT_LISTS),
    }
    _optional(draw, data, _ENQUIRY_OPTIONAL)
    if draw(_BOOLEANS):
        data["callback_requested_for"] = (
            None if draw(_BOOLEANS) else _write(draw, received + draw(_DELAYS))
        )
    if draw(_BOOLEANS):
        data["consents"] = [_consent_data(draw, received) for _ in range(draw(_SMALL_COUNTS))]
    return data


@st.composite
def _enquiry(draw: st.DrawFn) -> Enquiry:
    return Enquiry.model_validate(_enquiry_data(draw, draw(_MOMENTS)))


_ENQUIRIES = _enquiry()


def enquiries() -> st.SearchStrategy[Enquiry]:
    """Enquiries with one or two applicants, a small household and a few consents.

    The call-back, when asked for, is never before the enquiry was received; timestamps
    are written in every form :func:`timestamps` covers (and as ISO 8601 text).
    """
    return _ENQUIRIES


# --------------------------------------------------------------------------- journeys

_PAUSES = (Stage.ON_HOLD, Stage.KEEP_IN_TOUCH)
_INDEXES = st.integers(0, len(Stage) - 1)
_REASONS = st.sampled_from(WithdrawalReason)


def _walk(draw: st.DrawFn, allowed: Sequence[Stage], steps: int) -> list[Stage]:
    """Stages from ``enquired`` on, each one a legal next step (see ``can_follow``).

    ``allowed`` is in order of preference: hypothesis shrinks towards its first legal
    entry, so put the milestones first for the plainest journeys.
    """
    stages = [Stage.ENQUIRED]
    for _ in range(steps):
        options = [stage for stage in allowed if can_follow(stages, stage)]
        if not options:
            break
        # Half the time the first legal option (usually the next milestone), so that
        # long journeys through every milestone are common, not just skips to the end.
        index = 0 if draw(_BOOLEANS) else draw(_INDEXES) % len(options)
        stages.append(options[index])
    return stages


def _events(
    draw: st.DrawFn, start: dt.datetime, stages: Sequence[Stage]
) -> tuple[list[dict[str, Any]], list[dt.datetime]]:
    """Events at ``stages``, from ``start`` on, never going backwards; and their times."""
    events: list[dict[str, Any]] = []
    moments: list[dt.datetime] = []
    at = start
    for index, stage in enumerate(stages):
        if index:
            at += draw(_DELAYS)
        event: dict[str, Any] = {"stage": stage.value, "at": _write(draw, at)}
        if stage is Stage.WITHDRAWN:
            event["reason"] = draw(_REASONS).value
        events.append(event)
        moments.append(at)
    return events, moments


_JOURNEY_STEPS = st.integers(0, 10)
_MAYBE_SOURCE = st.one_of(st.none(), _SOURCE_TEXT)
_MAYBE_GSS_CODE = st.one_of(st.none(), _GSS_CODES)


def _journey_data(draw: st.DrawFn, milestones_only: bool) -> dict[str, Any]:
    start = draw(_MOMENTS)
    allowed = [*MILESTONES, *(() if milestones_only else _PAUSES), Stage.WITHDRAWN]
    events, _ = _events(draw, start, _walk(draw, allowed, draw(_JOURNEY_STEPS)))
    callback = None if draw(_BOOLEANS) else _write(draw, start + draw(_DELAYS))
    return {
        "enquiry_id": draw(_IDENTIFIERS),
        "channel": draw(_CHANNELS).value,
        "source": draw(_MAYBE_SOURCE),
        "local_authority": draw(_MAYBE_GSS_CODE),
        "callback_requested_for": callback,
        "events": events,
    }


@st.composite
def _journey(draw: st.DrawFn, milestones_only: bool) -> Journey:
    return Journey.model_validate(_journey_data(draw, milestones_only))


_JOURNEYS = {flag: _journey(flag) for flag in (False, True)}


def journeys(*, milestones_only: bool = False) -> st.SearchStrategy[Journey]:
    """Journeys whose events follow the transition rules, built one legal step at a time.

    Each next stage is drawn from those :func:`~fostering_hub.models.can_follow` allows,
    so journeys skip milestones, pause (``on_hold``, ``keep_in_touch``), resume, and end
    approved or withdrawn with an Ofsted AW reason, or stay open. Events never go
    backwards in time (equal times happen). With ``milestones_only=True`` there are no
    pauses: those journeys survive a trip through a journey-table row
    (:meth:`Journey.to_row` and :meth:`Journey.from_row`) unchanged.
    """
    return _JOURNEYS[bool(milestones_only)]


# --------------------------------------------------------------------------- handovers

_HANDOVER_STEPS = st.integers(0, 6)
_BEFORE_HANDOVER = (*MILESTONES[: MILESTONES.index(Stage.HANDED_OVER)], *_PAUSES)
_HUB_IDS = st.sampled_from(("north-east", "fwne", "hub.1"))
_ALLOCATION = st.fixed_dictionaries(
    {
        "policy": st.sampled_from(("preference", "council_tax", "postcode", "manual")),
        "reasons": st.lists(_free_text(80), min_size=1, max_size=3),
    },
    optional={"confidence": st.one_of(st.none(), st.floats(0.0, 1.0))},
)
_MAYBE_SUMMARY = st.one_of(st.none(), _free_text(200))
_MAYBE_OUTCOME = st.one_of(st.none(), st.sampled_from(InitialVisitOutcome))
_MAYBE_IDENTIFIER = st.one_of(st.none(), _IDENTIFIERS)


@st.composite
def _handover(draw: st.DrawFn) -> Handover:
    received = draw(_MOMENTS)
    enquiry = Enquiry.model_validate(_enquiry_data(draw, received))
    # Pauses may come anywhere before the handover; the journey ends handed over.
    stages = [*_walk(draw, _BEFORE_HANDOVER, draw(_HANDOVER_STEPS)), Stage.HANDED_OVER]
    events, moments = _events(draw, received, stages)
    shared = ConsentRecord(
        purpose=ConsentPurpose.SHARE_WITH_LA,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        policy_version="2024-01",
        given_at=received,
        means=draw(_MEANS),
    )
    visited = Stage.INITIAL_VISIT in stages
    buddy = draw(_BOOLEANS)
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "handover_id": draw(_IDENTIFIERS),
        "hub_id": draw(_HUB_IDS),
        "enquiry_id": enquiry.enquiry_id,
        "handed_over_at": _write(draw, moments[-1]),
        "receiving_la": enquiry.preferred_la or enquiry.council_tax_la or draw(_GSS_CODES),
        "allocation": draw(_ALLOCATION),
        "channel": enquiry.channel,
        "source": enquiry.source,
        "applicants": [a.model_dump() for a in enquiry.applicants],
        "household": [m.model_dump() for m in enquiry.household],
        "interests": list(enquiry.interests),
        "consents": [*(c.model_dump() for c in enquiry.consents), shared.model_dump()],
        "journey": events,
        "first_conversation_summary": draw(_MAYBE_SUMMARY),
        "initial_visit_outcome": draw(_MAYBE_OUTCOME) if visited else None,
        "initial_visit_notes": draw(_MAYBE_SUMMARY) if visited else None,
        "buddy_assigned": buddy,
        "buddy_reference": draw(_MAYBE_IDENTIFIER) if buddy else None,
    }
    return Handover.model_validate(data)


_HANDOVERS = _handover()


def handovers() -> st.SearchStrategy[Handover]:
    """Handover payloads (schema version 1.0) made from a generated enquiry.

    The applicants, household, interests and consents are the enquiry's (plus a
    ``share_with_la`` notice under public task); the journey starts when the enquiry was
    received, may pause, and ends ``handed_over`` at ``handed_over_at``. The receiving
    LA is the one the enquirer preferred or pays council tax to, when known. An initial
    visit outcome is only given when the journey had an initial visit.
    """
    return _HANDOVERS
