"""Personal data never appears in a repr, an error, a validation issue or a log line.

People are generated with distinctive values (names such as ``Zqxwv`` plus random
letters, postcodes in the unused area ``ZQ``, dates of birth before 1990 so that no
generated timestamp can share their text...). Every model holding them is printed, and
every personal field is corrupted in turn and validated through each entry point; none
of those values may show up anywhere but in the data itself.

pydantic's ``ValidationError.errors()`` returns the input unless asked not to
(``include_input=False``); that is documented pydantic behaviour, so it is not checked
here. Its ``str`` and ``repr`` must be clean, and are.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import pprint
import string
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from fostering_hub.models import (
    Address,
    Applicant,
    Enquiry,
    Handover,
    HouseholdMember,
    normalise_uk_phone,
)
from fostering_hub.testing import enquiries, handovers, uk_phone_numbers
from fostering_hub.validation import validate_json, validate_python

LOGGER = logging.getLogger("integration")

# --------------------------------------------------------------------------- people


@dataclass
class Person:
    """An applicant's data (as sent) and every text that would give them away."""

    applicant: dict[str, Any]
    member: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)


_TAG = st.text(string.ascii_lowercase, min_size=6, max_size=8)
_OLD_DAYS = st.dates(dt.date(1931, 1, 1), dt.date(1989, 12, 31))
#: Postcodes in the area "ZQ", which does not exist: no other text can contain one.
_POSTCODES = st.builds(
    "ZQ{}{} {}{}".format,
    st.integers(1, 9),
    st.sampled_from("ABCDEFGHJKPSTUW"),
    st.integers(0, 9),
    st.text("ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
)
_PHONES = uk_phone_numbers()


def _date_texts(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name} (ISO)": day.isoformat(),
        f"{name} (repr)": f"date({day.year}, {day.month}, {day.day})",
        f"{name} (UK)": f"{day.day:02d}/{day.month:02d}/{day.year}",
    }


@st.composite
def people(draw: st.DrawFn) -> Person:
    tag = draw(_TAG)
    phone = draw(_PHONES)
    e164 = normalise_uk_phone(phone)
    postcode = draw(_POSTCODES)
    born, member_born = draw(_OLD_DAYS), draw(_OLD_DAYS)
    applicant = {
        "first_name": f"Zqxwv{tag}",
        "last_name": f"Qjzvk{tag}",
        "date_of_birth": born.isoformat(),
        "phone": phone,
        "email": f"zqxwv.{tag}@example.com",
        "address": {
            "line1": f"{len(tag)} Xjqzv{tag} Road",
            "line2": f"Flat Kzqxj{tag}",
            "town": f"Wqzxk{tag}ton",
            "postcode": postcode if draw(st.booleans()) else postcode.lower().replace(" ", ""),
        },
        "preferred_contact_method": "phone",
    }
    member = {
        "first_name": f"Jzqxv{tag}",
        "relationship": "partner",
        "date_of_birth": member_born.isoformat(),
    }
    secrets = {
        "first name": applicant["first_name"],
        "last name": applicant["last_name"],
        "phone (as given)": phone,
        "phone (E.164)": e164,
        "phone (digits)": e164[3:],
        "email": applicant["email"],
        "email (local part)": f"zqxwv.{tag}",
        "line 1": applicant["address"]["line1"],
        "line 2": applicant["address"]["line2"],
        "town": applicant["address"]["town"],
        "postcode": postcode,
        "postcode (compact)": postcode.replace(" ", ""),
        "member name": member["first_name"],
        **_date_texts("date of birth", born),
        **_date_texts("member's date of birth", member_born),
    }
    return Person(applicant, member, secrets)


@dataclass
class Case:
    """A document of ``kind`` holding people, and every text that would give them away."""

    kind: str
    model: type[BaseModel]
    document: dict[str, Any]
    secrets: dict[str, str]


def _notes(tag: str, what: str) -> str:
    return f"{what}: Pzqxw{tag} said her brother Mzqvx{tag} may move in."


_PEOPLE = st.lists(people(), min_size=1, max_size=2)
_ENQUIRIES = enquiries()
_HANDOVERS = handovers()


@st.composite
def cases(draw: st.DrawFn) -> Case:
    household = draw(_PEOPLE)
    secrets = {f"{k} #{i}": v for i, p in enumerate(household) for k, v in p.secrets.items()}
    tag = draw(_TAG)
    texts = {
        "notes": _notes(tag, "Notes"),
        "first_conversation_summary": _notes(tag, "Summary"),
        "initial_visit_notes": _notes(tag, "Visit"),
    }
    if draw(st.booleans()):
        base: BaseModel = draw(_ENQUIRIES)
        kind, model, personal_text = "enquiry", Enquiry, ["notes"]
    else:
        base = draw(_HANDOVERS)
        kind, model = "handover", Handover
        personal_text = ["first_conversation_summary", "initial_visit_notes"]
    document = base.model_dump(mode="json")
    document["applicants"] = [copy.deepcopy(p.applicant) for p in household]
    document["household"] = [copy.deepcopy(p.member) for p in household]
    for name in personal_text:
        document[name] = texts[name]
        secrets[name] = texts[name]
        secrets[f"{name} (words)"] = f"Pzqxw{tag}"
        secrets[f"{name} (other words)"] = f"Mzqvx{tag}"
    return Case(kind, model, document, secrets)


# --------------------------------------------------------------------------- checking


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    """The names of the secrets found in ``text`` (case-insensitive)."""
    folded = text.casefold()
    return [name for name, value in secrets.items() if value.casefold() in folded]


def assert_clean(where: str, text: str, secrets: dict[str, str]) -> None:
    found = leaks(text, secrets)
    assert not found, f"{where} shows {found}"


def nested_models(value: Any) -> Iterator[BaseModel]:
    """``value`` and every model inside it."""
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from nested_models(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from nested_models(item)


def error_texts(error: ValidationError) -> dict[str, str]:
    """Every way an integration is likely to print a validation error."""
    return {
        "str": str(error),
        "repr": repr(error),
        "title": error.title,
        "errors(include_input=False)": repr(error.errors(include_input=False)),
        "errors(include_input=False) as JSON": json.dumps(
            error.errors(include_input=False), default=str
        ),
        "json(include_input=False)": error.json(include_input=False),
        "traceback": "".join(traceback.format_exception(error)),
        "args": repr(error.args),
    }


# --------------------------------------------------------------------------- repr / str


@settings(max_examples=40, deadline=None)
@given(cases())
def test_repr_and_str_hide_personal_data(case: Case) -> None:
    obj = case.model.model_validate(case.document)
    # The data is there (so the checks below are not vacuous) ...
    assert leaks(obj.model_dump_json(), case.secrets)
    # ... but printing never shows it.
    for model in nested_models(obj):
        name = type(model).__name__
        assert_clean(f"repr({name})", repr(model), case.secrets)
        assert_clean(f"str({name})", str(model), case.secrets)
        assert_clean(f"f-string {name}", f"{model} {model!r} {model!s}", case.secrets)
        assert_clean(f"pprint {name}", pprint.pformat(model), case.secrets)
        rich_args = repr(list(model.__rich_repr__()))  # what rich and devtools print
        assert_clean(f"rich repr {name}", rich_args, case.secrets)
    for name in ("applicants", "household"):
        assert_clean(f"repr(.{name})", repr(getattr(obj, name)), case.secrets)


def test_personal_fields_are_masked() -> None:
    # At least these (the ones generated above); more may be added.
    assert Applicant.personal_fields() >= {
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "address",
    }
    assert Address.personal_fields() >= {"line1", "line2", "town", "postcode"}
    assert HouseholdMember.personal_fields() >= {"first_name", "date_of_birth"}
    assert Enquiry.personal_fields() >= {"notes"}
    assert Handover.personal_fields() >= {"first_conversation_summary", "initial_visit_notes"}


# --------------------------------------------------------------------------- corruptions

Make = Callable[[dict[str, Any], dict[str, Any]], Any]
"""``make(document, applicant)``: the bad value, from the document and its first applicant."""


def _dob(applicant: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(applicant["date_of_birth"])


def _member_dob(document: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(document["household"][0]["date_of_birth"])


def _e164(applicant: dict[str, Any]) -> str:
    return normalise_uk_phone(applicant["phone"])


A = "applicants.0"
#: (what, where: a dotted path that is set and where an issue is expected, the bad value)
CORRUPTIONS: list[tuple[str, str, Make]] = [
    # Personal fields, each made invalid from its own value.
    ("first name too long", f"{A}.first_name", lambda d, a: a["first_name"] * 20),
    ("first name not text", f"{A}.first_name", lambda d, a: {"given": a["first_name"]}),
    ("last name in a list", f"{A}.last_name", lambda d, a: [a["last_name"]]),
    ("postcode from the name", f"{A}.address.postcode", lambda d, a: a["first_name"].upper()),
    (
        "postcode with a stray letter",
        f"{A}.address.postcode",
        lambda d, a: a["address"]["postcode"] + "X",
    ),
    (
        "postcode and town together",
        f"{A}.address.postcode",
        lambda d, a: f"{a['address']['town']}, {a['address']['postcode']}",
    ),
    ("email with a display name", f"{A}.email", lambda d, a: f"{a['first_name']} <{a['email']}>"),
    ("email with two @", f"{A}.email", lambda d, a: a["email"].replace("@", "@@")),
    ("email at a reserved TLD", f"{A}.email", lambda d, a: a["email"].replace(".com", ".invalid")),
    ("email at a numeric TLD", f"{A}.email", lambda d, a: a["email"].replace(".com", ".123")),
    ("email not text", f"{A}.email", lambda d, a: [a["email"]]),
    ("phone with letters", f"{A}.phone", lambda d, a: f"{a['phone']} {a['last_name']}"),
    ("phone with an extension", f"{A}.phone", lambda d, a: f"{a['phone']} ext 12"),
    ("phone in the US", f"{A}.phone", lambda d, a: "+1 " + _e164(a)[3:]),
    ("phone too short", f"{A}.phone", lambda d, a: _e164(a)[:-3]),
    ("phone as a number", f"{A}.phone", lambda d, a: int(_e164(a)[1:])),
    ("dob the UK way", f"{A}.date_of_birth", lambda d, a: _dob(a).strftime("%d/%m/%Y")),
    ("dob with a time", f"{A}.date_of_birth", lambda d, a: a["date_of_birth"] + "T00:00:00"),
    ("dob on 30 February", f"{A}.date_of_birth", lambda d, a: f"{_dob(a).year}-02-30"),
    ("dob in month 13", f"{A}.date_of_birth", lambda d, a: f"{_dob(a).year}-13-{_dob(a).day:02d}"),
    ("dob as a number", f"{A}.date_of_birth", lambda d, a: int(_dob(a).strftime("%Y%m%d"))),
    (
        "dob with words",
        f"{A}.date_of_birth",
        lambda d, a: f"born {a['date_of_birth']} in {a['address']['town']}",
    ),
    ("line 1 too long", f"{A}.address.line1", lambda d, a: a["address"]["line1"] * 20),
    (
        "line 1 empty, line 2 too long",
        f"{A}.address",
        lambda d, a: {**a["address"], "line1": "", "line2": a["address"]["line2"] * 30},
    ),
    ("town not text", f"{A}.address.town", lambda d, a: {"town": a["address"]["town"]}),
    ("address as a string", f"{A}.address", lambda d, a: ", ".join(a["address"].values())),
    ("unknown key on the applicant", f"{A}.nickname", lambda d, a: a["first_name"]),
    ("unknown key on the address", f"{A}.address.flat", lambda d, a: a["address"]["line2"]),
    ("unknown key at the top", "maiden_name", lambda d, a: a["last_name"]),
    (
        "member's name too long",
        "household.0.first_name",
        lambda d, a: d["household"][0]["first_name"] * 20,
    ),
    (
        "member's relationship is a name",
        "household.0.relationship",
        lambda d, a: d["household"][0]["first_name"],
    ),
    (
        "member's dob the UK way",
        "household.0.date_of_birth",
        lambda d, a: _member_dob(d).strftime("%d/%m/%Y"),
    ),
    # Personal values where they do not belong.
    ("name as the enquiry id", "enquiry_id", lambda d, a: f"{a['first_name']} {a['last_name']}"),
    ("email as the channel", "channel", lambda d, a: a["email"]),
    ("postcode as an LA code", "council_tax_la", lambda d, a: a["address"]["postcode"]),
    ("dob as the time received", "received_at", lambda d, a: a["date_of_birth"]),
    ("name as an interest", "interests", lambda d, a: [a["first_name"]]),
    ("town as a yes or no", "spare_bedroom", lambda d, a: a["address"]["town"]),
    ("phone as contact method", f"{A}.preferred_contact_method", lambda d, a: a["phone"]),
    ("name as the source, too long", "source", lambda d, a: a["first_name"] * 20),
    ("three applicants", "applicants", lambda d, a: [a, a, a]),
]

ENQUIRY_ONLY: list[tuple[str, str, Make]] = [
    ("notes too long", "notes", lambda d, a: d["notes"] * 200),
    ("notes in a list", "notes", lambda d, a: [d["notes"]]),
    ("notes as a consent", "consents", lambda d, a: [{"purpose": d["notes"]}]),
]

HANDOVER_ONLY: list[tuple[str, str, Make]] = [
    (
        "summary too long",
        "first_conversation_summary",
        lambda d, a: d["first_conversation_summary"] * 200,
    ),
    (
        "visit notes not text",
        "initial_visit_notes",
        lambda d, a: {"notes": d["initial_visit_notes"]},
    ),
    (
        "buddy's name as their reference",
        "buddy_reference",
        lambda d, a: f"{a['first_name']} {a['last_name']}",
    ),
    ("name as the schema version", "schema_version", lambda d, a: a["first_name"]),
    (
        "notes as an allocation reason",
        "allocation.reasons",
        lambda d, a: [d["first_conversation_summary"] * 20],
    ),
    ("name as the receiving LA", "receiving_la", lambda d, a: a["last_name"]),
]


def corrupted(document: dict[str, Any], path: str, make: Make) -> dict[str, Any]:
    """A copy of ``document`` with ``path`` set to ``make(document, first applicant)``."""
    document = copy.deepcopy(document)
    value = make(document, document["applicants"][0])
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    return document


def check_rejection(
    what: str, model: type[BaseModel], data: dict[str, Any], secrets: dict[str, str]
) -> None:
    """Every way of validating ``data`` as ``model`` fails, and no failure shows a secret."""
    text = json.dumps(data)
    attempts: dict[str, Callable[[], object]] = {
        "model_validate": lambda: model.model_validate(data),
        "model_validate_json (str)": lambda: model.model_validate_json(text),
        "model_validate_json (bytes)": lambda: model.model_validate_json(text.encode()),
        "constructor": lambda: model(**data),
    }
    for via, attempt in attempts.items():
        with pytest.raises(ValidationError) as caught:
            attempt()
        for shown_as, shown in error_texts(caught.value).items():
            assert_clean(f"{what}, {model.__name__}.{via}, {shown_as}", shown, secrets)
        LOGGER.error("%s: %s rejected the document", what, via, exc_info=caught.value)


def check_issues(
    what: str, kind: str, data: dict[str, Any], path: str, secrets: dict[str, str]
) -> None:
    """validate_json and validate_python find the problem at ``path`` and show no secret."""
    pointer = "/" + path.replace(".", "/")
    for via, issues in (
        ("validate_json", validate_json(kind, json.dumps(data))),
        ("validate_python", validate_python(kind, data)),
    ):
        assert any(issue.path.startswith(pointer) for issue in issues), (what, via, issues)
        for issue in issues:
            shown = f"{issue.code} {issue.path} {issue.message} {issue!r} {issue.as_dict()}"
            assert_clean(f"{what}, {via}", shown, secrets)
            LOGGER.debug("%s: %s [%s] %s", issue.path, issue.message, issue.code, via)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=cases())
def test_invalid_personal_data_is_never_echoed(
    case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    extra = ENQUIRY_ONLY if case.kind == "enquiry" else HANDOVER_ONLY
    with caplog.at_level(logging.DEBUG):
        for what, path, make in [*CORRUPTIONS, *extra]:
            document = corrupted(case.document, path, make)
            check_rejection(what, case.model, document, case.secrets)
            check_issues(what, case.kind, document, path, case.secrets)
            # The nested models on their own, too.
            if path.startswith(f"{A}."):
                check_rejection(what, Applicant, document["applicants"][0], case.secrets)
            if path.startswith(f"{A}.address."):
                address = document["applicants"][0]["address"]
                check_rejection(what, Address, address, case.secrets)
            if path.startswith("household.0."):
                check_rejection(what, HouseholdMember, document["household"][0], case.secrets)
    assert caplog.records  # the logging above did run ...
    assert_clean("log output", caplog.text, case.secrets)  # ... and shows nothing personal


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=cases(), data=st.data())
def test_broken_json_is_never_echoed(
    case: Case, data: st.DataObject, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    text = json.dumps(case.document, ensure_ascii=False).encode()
    cuts = data.draw(st.lists(st.integers(0, len(text) - 1), min_size=10, max_size=30))
    broken = [text[:cut] for cut in cuts]
    for secret in ("first name #0", "email #0", "line 1 #0", "postcode #0"):
        value = case.secrets[secret].encode()
        if value in text:
            # Invalid UTF-8, a raw control character, a bad escape and a stray quote.
            for junk in (b"\xff", b"\x01", b"\\q", b'"'):
                broken.append(text.replace(value, value + junk, 1))
    with caplog.at_level(logging.DEBUG):
        for content in broken:
            with pytest.raises(ValidationError) as caught:
                case.model.model_validate_json(content)
            for shown_as, shown in error_texts(caught.value).items():
                assert_clean(f"broken JSON, {shown_as}", shown, case.secrets)
            LOGGER.error("broken JSON", exc_info=caught.value)
            issues = validate_json(case.kind, content)
            assert issues
            for issue in issues:
                assert_clean("broken JSON issue", f"{issue!r}", case.secrets)
    assert_clean("log output", caplog.text, case.secrets)


# --------------------------------------------------------------------------- assignment


@pytest.mark.parametrize(
    "name",
    [
        "first_name",
        "nickname",  # not a field: the error must hide the value all the same
    ],
)
def test_assigning_to_a_frozen_model_does_not_echo_the_value(name: str) -> None:
    applicant = Applicant(first_name="Alex", last_name="Example")
    secret = "".join(("Zqxwv", "secret"))  # built, so the traceback's source line lacks it
    with pytest.raises(ValidationError) as caught:
        setattr(applicant, name, secret)
    for shown_as, shown in error_texts(caught.value).items():
        assert secret not in shown, shown_as
