"""Handover validation throughput: the full validator vs plain types vs JSON Schema validators.

Measured in one run, on the same realistic handovers (about 2 KB each: two applicants with
a phone, an email and an address, a household of 2-3, 3-4 consents, a full journey and a
summary), ~200 valid and ~200 invalid, each given as bytes:

(a) the full validator, ``validate_handover(bytes, config=load_config(), now=...)``:
    types and the FH-H rule catalogue, the built-in North East hub config
(b) types only, ``validate_json("handover", bytes)`` (and, for reference,
    ``Handover.model_validate_json(bytes)``)
(c) a plain-types twin of ``Handover``, built here from its fields: the same models,
    fields, enums, length and range limits and ``extra="forbid"``, but phone, email,
    postcode, GSS code, identifier and timestamp fields as plain ``str`` / ``datetime``
    (``date`` for dates) and no custom validators at all: ``model_validate_json(bytes)``
(d) ``jsonschema.Draft202012Validator`` with its format checker, all errors collected,
    on the exported schema (``handover_schema`` with the config's handover profile, as
    ``fostering-hub schema handover --config`` exports it), on parsed JSON and with
    ``json.loads`` included
(e) ``fastjsonschema.compile(schema)`` (stops at the first error), likewise
(f) ``jsonschema_rs.Draft202012Validator(schema, validate_formats=True)``, all errors
    collected, likewise: the compiled (Rust) reference. Optional: if ``jsonschema_rs``
    is not installed the script says how to install it and carries on without it.

Each figure is CPU time, the best of the timed passes over the set after a warm-up pass
(validators taking turns in 10 rounds, a quick validator making up to 10 passes a round;
garbage collector paused while timing). Then the ratios and PASS/MISS
against the issue's targets (never a failure): jsonschema / full >= 10, full / plain
types <= 3. Last, where each validator's verdict differs from the full validator's
(JSON Schema cannot express journey transitions, whether a phone number exists, or the
rules), what the field checks cost per call, and with ``--profile`` the top fostering_hub
functions in a cProfile of the full validator.

Run: ``python benchmarks/bench_validation.py [--quick] [--profile]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import collections
import copy
import cProfile
import datetime as dt
import gc
import json
import pstats
import sys
import time
import types
import typing
from collections.abc import Callable, Iterable
from importlib import metadata
from typing import Annotated, Any

import jsonschema
import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from fostering_hub.config import load_config
from fostering_hub.models import (
    Handover,
    _email,
    _phone,
    _postcode,
    normalise_email,
    normalise_postcode,
    normalise_uk_phone,
    to_london,
)
from fostering_hub.models._json_fast import JsonFast
from fostering_hub.validation import (
    DEFAULT_LIMITS,
    handover_schema,
    parse_document,
    validate_handover,
    validate_json,
)
from fostering_hub.validation._handover import _fast_path as fast_handover_path

KIND = "handover"
#: The validation clock: the same instant as the CLI's ``--as-of 2026-01-01T00:00`` (GMT).
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

FIRST_NAMES = ["Alex", "Sam", "Jo", "Priya", "Tomasz", "Aisha", "Callum", "Niamh", "Wei", "Olu"]
LAST_NAMES = ["Example", "Smith", "Patel", "Nowak", "Khan", "Robson", "O'Neill", "Chen", "Adeyemi"]
CHILD_NAMES = ["Mia", "Leo", "Ava", "Noah", "Isla", "Jack", "Zara", "Finley", "Amara", "Ollie"]
STREETS = ["Example Street", "Sample Road", "Demo Terrace", "Test Lane", "Placeholder Close"]
#: (postcode as typed, town, GSS code of the LA the built-in sample lookup gives for it).
PLACES = [
    ("SR1 3AA", "Sunderland", "E08000024"),
    ("ne1 4st", "Newcastle upon Tyne", "E08000021"),
    ("DH1 3EE", "Durham", "E06000047"),
    ("NE8 1HH", "Gateshead", "E08000037"),
    ("NE33 1RR", "South Shields", "E08000023"),
    ("TS1 2AA", "Middlesbrough", "E06000002"),
    ("DL14DA", "Darlington", "E06000005"),
    ("NE61 1AA", "Morpeth", "E06000057"),
    ("TS18 1AA", "Stockton-on-Tees", "E06000004"),
    ("NE29 0AA", "North Shields", "E08000022"),
    ("TS24 7AA", "Hartlepool", "E06000001"),
    ("TS10 1AA", "Redcar", "E06000003"),
]
CHANNELS = ["web", "phone", "email", "event", "referral", "other"]
SOURCES = ["social media", "radio advert", "word of mouth", "council website", "school newsletter"]
INTERESTS = ["short_breaks", "short_term", "long_term", "parent_and_child", "sibling_groups"]
CONTACT_METHODS = ["phone", "email", "text", "post"]
POLICIES = ["postcode", "council_tax", "preference"]
#: Ofcom's drama range for Tyneside (0191 498 0000-0999), in the accepted forms.
LANDLINE_FORMATS = [
    "0191 498 0{n:03d}",
    "+44 191 498 0{n:03d}",
    "01914980{n:03d}",
    "0191-498-0{n:03d}",
]
#: UK mobile numbers (valid ranges; not Ofcom's 07700 900xxx, which phonenumbers rejects).
MOBILE_FORMATS = ["07911 {n:06d}", "+44 7523 {n:06d}", "07812{n:06d}", "+44 (0)7400 {n:06d}"]
EMAIL_DOMAINS = ["example.com", "example.org", "mail.example.co.uk", "example.net"]
SUMMARY = (
    "First call with both applicants; {kids} children at home. Heard of us via {source}. "
    "{first} works part time, {second} shifts. Spare room; keen on short breaks. Visit booked."
)
VISIT_NOTES = "Home visit with both applicants. Spare room suitable; own children positive."

Payload = dict[str, Any]
Path = tuple[str | int, ...]


# --------------------------------------------------------------------------- payloads


def _stamp(day: dt.date, hour: int, minute: int, style: int) -> str:
    """A timestamp in one of the accepted forms: naive London time, UTC or with an offset."""
    text = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"
    if style == 0:
        return text  # naive: read as Europe/London local time
    bst = 4 <= day.month <= 9
    if style == 1:
        utc = dt.datetime.fromisoformat(text) - dt.timedelta(hours=1 if bst else 0)
        return utc.isoformat() + "Z"
    return text + ("+01:00" if bst else "+00:00")


def _applicant(i: int, k: int, place: tuple[str, str, str]) -> Payload:
    first = FIRST_NAMES[(i + 3 * k) % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // 2 + k) % len(LAST_NAMES)]
    local = f"{first}.{last}{i}".lower().replace("'", "")
    if k == 0:
        phone = LANDLINE_FORMATS[i % len(LANDLINE_FORMATS)].format(n=i % 1000)
    else:
        phone = MOBILE_FORMATS[i % len(MOBILE_FORMATS)].format(n=100000 + i * 37 % 900000)
    postcode, town, _la = place
    applicant: Payload = {
        "first_name": first,
        "last_name": last,
        "date_of_birth": f"{1962 + (i + 5 * k) % 33}-{1 + i % 12:02d}-{1 + (i + k) % 28:02d}",
        "phone": phone,
        "email": f"{local}@{EMAIL_DOMAINS[(i + k) % len(EMAIL_DOMAINS)]}",
        "address": {
            "line1": f"{1 + i % 120} {STREETS[i % len(STREETS)]}",
            "town": town,
            "postcode": postcode,
        },
        "preferred_contact_method": CONTACT_METHODS[(i + k) % len(CONTACT_METHODS)],
    }
    if (i + k) % 3 == 0:
        applicant["address"]["line2"] = "Flat 2"
    if k == 1 and i % 2:
        del applicant["address"]  # the second applicant's address is often left out
    if k == 0 and i % 2:
        applicant["preferred_contact_times"] = "weekday evenings after 6pm"
    return applicant


def _household(i: int) -> list[Payload]:
    members: list[Payload] = [
        {
            "first_name": CHILD_NAMES[(i + n) % len(CHILD_NAMES)],
            "relationship": "child",
            "date_of_birth": f"{2008 + (i + 4 * n) % 14}-{1 + (i + n) % 12:02d}-{10 + n}",
        }
        for n in range(2)
    ]
    if i % 2:
        extra = ["parent", "adult_child", "lodger"][i % 3]
        born = {"parent": 1950, "adult_child": 2000, "lodger": 1990}[extra] + i % 5
        members.append({"relationship": extra, "date_of_birth": f"{born}-06-15"})
    return members


def valid_payloads(count: int) -> list[Payload]:
    """``count`` varied valid handovers of about 2 KB (joint applications)."""
    payloads = []
    for i in range(count):
        place = PLACES[i % len(PLACES)]
        policy = POLICIES[i % len(POLICIES)]
        start = dt.date(2024, 1, 8) + dt.timedelta(days=(i * 7) % 500)
        style = i % 3
        stages = [("enquired", 0), ("first_contact", 1), ("initial_visit", 16), ("eoi", 35)]
        if i % 4 == 0:
            stages.insert(2, ("on_hold", 6))
        stages.append(("handed_over", 58))
        journey = [
            {
                "stage": stage,
                "at": _stamp(start + dt.timedelta(days=d), 9 + n, (i * 7 + n * 13) % 60, style),
            }
            for n, (stage, d) in enumerate(stages)
        ]
        at = {event["stage"]: event["at"] for event in journey}
        consents: list[Payload] = [
            {
                "purpose": "contact_about_enquiry",
                "lawful_basis": "consent",
                "policy_version": "2024-01",
                "given_at": at["enquired"],
                "means": "web_form",
            },
            {
                "purpose": "share_with_la",
                "lawful_basis": "public_task",
                "policy_version": "2024-01",
                "given_at": at["enquired"],
                "means": "web_form",
            },
            {
                "purpose": "keep_in_touch",
                "lawful_basis": "consent",
                "policy_version": "2024-01",
                "given_at": at["first_contact"],
                "means": "phone",
                "expires_at": _stamp(start + dt.timedelta(days=730), 9, 0, style),
            },
        ]
        if i % 2 == 0:
            consents.append(
                {
                    "purpose": "buddy_contact",
                    "lawful_basis": "consent",
                    "policy_version": "2024-01",
                    "given_at": at["initial_visit"],
                    "means": "in_person",
                }
            )
        applicants = [_applicant(i, 0, place), _applicant(i, 1, place)]
        data: Payload = {
            "schema_version": "1.0",
            "handover_id": f"HO-2024-{i:06d}",
            "hub_id": "north-east",
            "enquiry_id": f"NE-2024-{100000 + i:06d}",
            "handed_over_at": at["handed_over"],
            "receiving_la": place[2],
            "allocation": {
                "policy": policy,
                "reasons": [
                    {
                        "postcode": "The first applicant's postcode is in the receiving LA",
                        "council_tax": "The household pays council tax to the receiving LA",
                        "preference": "The applicants asked to foster for the receiving LA",
                    }[policy],
                ],
            },
            "channel": CHANNELS[i % len(CHANNELS)],
            "source": SOURCES[i % len(SOURCES)],
            "joint_application": True,
            "applicants": applicants,
            "household": _household(i),
            "interests": INTERESTS[i % 3 : i % 3 + 1 + i % 3],
            "consents": consents,
            "journey": journey,
            "first_conversation_summary": SUMMARY.format(
                kids="two",
                source=SOURCES[i % len(SOURCES)],
                first=applicants[0]["first_name"],
                second=applicants[1]["first_name"],
            ),
            "initial_visit_outcome": "proceed",
            "initial_visit_notes": VISIT_NOTES,
            "buddy_assigned": True,
            "buddy_reference": f"BUDDY-{i % 50}",
        }
        if policy == "postcode":
            data["allocation"]["confidence"] = 0.9 + (i % 2) / 10
        payloads.append(data)
    return payloads


def encode(payload: Payload) -> bytes:
    """A payload as compact JSON bytes, as systems usually send it."""
    return json.dumps(payload, separators=(",", ":")).encode()


def _set(data: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _delete(data: Any, path: Path) -> None:
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


def _events(*stages: str) -> list[Payload]:
    events: list[Payload] = []
    for n, stage in enumerate(stages):
        event: Payload = {"stage": stage, "at": _stamp(dt.date(2024, 4, 2 + 3 * n), 10, 0, 2)}
        if stage == "withdrawn":
            event["reason"] = "AW3"
        events.append(event)
    return events


def _future_handover(d: Payload) -> None:
    d["journey"][-1]["at"] = d["handed_over_at"] = "2026-03-02T10:00:00Z"


def _other_member_la(d: Payload) -> None:
    d["allocation"]["policy"] = "postcode"
    d["receiving_la"] = "E06000001" if d["receiving_la"] != "E06000001" else "E06000002"


APPLICANT = ("applicants", 0)
SHARE = ("consents", 1)  # every generated payload's share_with_la record
# (category, what is wrong, mutation); every category is cycled through its variants.
Mutation = Callable[[Payload], None]
INVALID: dict[str, list[tuple[str, Mutation]]] = {
    "bad_postcode": [
        (f"postcode {pc!r}", lambda d, pc=pc: _set(d, (*APPLICANT, "address", "postcode"), pc))
        for pc in ["SR1 3A", "SR13 AAA", "1SR 3AA", "SR1  3AA", "SR1-3AA", ""]
    ],
    "bad_phone": [
        (f"phone {ph!r}{note}", lambda d, ph=ph: _set(d, (*APPLICANT, "phone"), ph))
        for ph, note in [
            ("0191 498 0abc", ""),
            ("tel:01914980001", ""),
            ("12345", ""),
            ("+44 191 498 0001 x12", ""),
            ("07700 900123", " (pattern ok: Ofcom drama mobile, not a real number)"),
            ("+1 202 555 0123", " (pattern ok: not a UK number)"),
            ("0191 498 00012345", " (pattern ok: too long)"),
            ("00000 000000", " (pattern ok: no such number)"),
        ]
    ],
    "bad_email": [
        (f"email {em!r}{note}", lambda d, em=em: _set(d, ("applicants", 1, "email"), em))
        for em, note in [
            ("alex.example.com", ""),
            ("alex@@example.com", ""),
            ("alex@example", ""),
            ("alex@example.test", " (pattern ok: special-use domain)"),
            ("alex@example.123", " (pattern ok: numeric TLD)"),
        ]
    ],
    "missing_field": [
        (f"no {'/'.join(map(str, path))}", lambda d, path=path: _delete(d, path))
        for path in [
            ("handover_id",),
            ("receiving_la",),
            ("applicants",),
            ("consents",),
            ("journey",),
            ("allocation",),
            ("channel",),
            ("schema_version",),
            (*APPLICANT, "first_name"),
            (*APPLICANT, "address", "postcode"),
            ("consents", 0, "given_at"),
            ("journey", 0, "at"),
        ]
    ],
    "unknown_key": [
        (
            f"extra key {'/'.join(map(str, (*where, key)))}",
            lambda d, where=where, key=key: _set(d, (*where, key), "surplus"),
        )
        for where, key in [
            ((), "notes"),
            (APPLICANT, "nickname"),
            (("allocation",), "score"),
            (("journey", 1), "by"),
            ((*APPLICANT, "address"), "county"),
        ]
    ],
    "wrong_type": [
        (
            f"{'/'.join(map(str, path))} = {value!r}",
            lambda d, path=path, value=value: _set(d, path, value),
        )
        for path, value in [
            (("buddy_assigned",), "yes"),
            (("applicants",), {}),
            (("allocation", "reasons"), "because"),
            (("allocation", "confidence"), "high"),
            (("household",), 5),
            (("interests",), "long_term"),
            (("journey", 0, "at"), 1714000000),
            (("schema_version",), 1.0),
            ((*APPLICANT, "first_name"), 42),
            ((*APPLICANT, "phone"), 1914980001),
        ]
    ],
    "illegal_transition": [
        (what, lambda d, stages=stages: _set(d, ("journey",), _events(*stages)))
        for what, stages in [
            ("starts at first_contact", ("first_contact", "initial_visit", "handed_over")),
            ("first_contact twice", ("enquired", "first_contact", "first_contact", "eoi")),
            ("initial_visit before first_contact", ("enquired", "initial_visit", "first_contact")),
            ("event after withdrawn", ("enquired", "first_contact", "withdrawn", "handed_over")),
            ("on_hold after on_hold", ("enquired", "on_hold", "on_hold", "handed_over")),
            ("handed_over before eoi", ("enquired", "handed_over", "eoi")),
        ]
    ],
    # Types are fine; a rule of the catalogue fails (FH-H code in brackets).
    "rule_violation": [
        ("receiving LA not a hub member [H001]", lambda d: _set(d, ("receiving_la",), "E08000025")),
        ("no share_with_la consent [H002]", lambda d: _delete(d, SHARE)),
        (
            "share consent withdrawn before the handover [H003]",
            lambda d: _set(d, (*SHARE, "withdrawn_at"), d["journey"][1]["at"]),
        ),
        ("handover after the clock [H005]", _future_handover),
        (
            "two applicants, joint_application false [H007]",
            lambda d: _set(d, ("joint_application",), False),
        ),
        (
            "applicant under 18 [H008]",
            lambda d: _set(d, (*APPLICANT, "date_of_birth"), "2010-05-05"),
        ),
        ("postcode allocation to another LA [H009]", _other_member_la),
        (
            "no summary, the profile requires it [H012]",
            lambda d: _delete(d, ("first_conversation_summary",)),
        ),
        (
            "notes over the profile's 2000 [H014]",
            lambda d: _set(d, ("initial_visit_notes",), "x" * 2500),
        ),
    ],
}


def invalid_payloads(count: int) -> list[tuple[str, str, Payload]]:
    """``count`` invalid handovers: (category, what is wrong, payload), categories cycled."""
    valid = valid_payloads(count)
    categories = list(INVALID)
    payloads = []
    for i in range(count):
        category = categories[i % len(categories)]
        variants = INVALID[category]
        what, mutate = variants[(i // len(categories)) % len(variants)]
        data = copy.deepcopy(valid[i])
        mutate(data)
        payloads.append((category, what, data))
    return payloads


# --------------------------------------------------------------------------- plain twin

_VALIDATORS = (
    pydantic.AfterValidator,
    pydantic.BeforeValidator,
    pydantic.WrapValidator,
    pydantic.PlainValidator,
)


class PlainTwin:
    """Builds plain-types twins of wire models: same fields and limits, no custom checks.

    With ``only``, drops only the ``Annotated`` validators of those functions and keeps
    every other check (the models' own validators too): each twin is then a subclass of
    its model with those fields' types replaced.
    """

    def __init__(self, only: Iterable[Callable[..., Any]] | None = None) -> None:
        self.models: dict[type[BaseModel], type[BaseModel]] = {}
        self.dropped: collections.Counter[str] = collections.Counter()
        self.only = None if only is None else set(only)

    def _keep(self, meta: Iterable[Any]) -> list[Any]:
        kept = []
        for item in meta:
            if isinstance(item, _VALIDATORS) and (self.only is None or item.func in self.only):
                func = item.func
                self.dropped[f"{func.__module__.rsplit('.', 1)[-1]}.{func.__name__}"] += 1
            elif isinstance(item, JsonFast) and self.only is None:
                self.dropped["JsonFast"] += 1  # a JSON-mode form of a dropped validator
            else:  # (with ``only``, a JsonFast form leaves a type whose check went as it is)
                kept.append(item)
        return kept

    def annotation(self, tp: Any) -> Any:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return self.model(tp)
        origin = typing.get_origin(tp)
        if origin is Annotated:
            base, *meta = typing.get_args(tp)
            kept = self._keep(meta)
            inner = self.annotation(base)
            return Annotated[(inner, *kept)] if kept else inner
        if origin in (typing.Union, types.UnionType):
            args = tuple(self.annotation(arg) for arg in typing.get_args(tp))
            return typing.Union[args]  # noqa: UP007 - built from a runtime tuple
        if origin is list:
            (item,) = typing.get_args(tp)
            return list[self.annotation(item)]  # type: ignore[misc]
        return tp

    def model(self, cls: type[BaseModel]) -> type[BaseModel]:
        if cls in self.models:
            return self.models[cls]
        if self.only is None:
            for kind in ("field_validators", "model_validators"):
                for name in getattr(cls.__pydantic_decorators__, kind):
                    self.dropped[f"{cls.__name__}.{name}"] += 1
        fields: dict[str, Any] = {}
        changed = False
        for name, info in cls.model_fields.items():
            base = self.annotation(info.annotation)
            kept = self._keep(info.metadata)
            changed = changed or base != info.annotation or kept != list(info.metadata)
            tp = Annotated[(base, *kept)] if kept else base
            if info.default_factory is not None:
                field = FieldInfo(default_factory=info.default_factory)
            else:
                field = FieldInfo(default=info.default)
            fields[name] = (tp, field)
        if self.only is not None:  # a subclass: the model's config and validators
            twin = cls
            if changed:
                twin = pydantic.create_model(f"Literal{cls.__name__}", __base__=cls, **fields)
            self.models[cls] = twin
            return twin
        config = ConfigDict(**cls.model_config)  # extra="forbid", frozen, str_max_length ...
        twin = pydantic.create_model(f"Plain{cls.__name__}", __config__=config, **fields)
        self.models[cls] = twin
        return twin


def json_validator(model: type[BaseModel]) -> Callable[[bytes], object]:
    """``model.model_validate_json``, returning the ``ValidationError`` instead of raising."""

    def validate(content: bytes) -> object:
        try:
            return model.model_validate_json(content)
        except ValidationError as error:
            return error

    return validate


def same_shape(real: type[BaseModel], twin: type[BaseModel], builder: PlainTwin) -> list[str]:
    """Differences in field names, requiredness or defaults between a model and its twin."""
    problems = []
    for cls, plain in builder.models.items():
        if list(cls.model_fields) != list(plain.model_fields):
            problems.append(f"{cls.__name__}: fields differ")
        for name, info in cls.model_fields.items():
            other = plain.model_fields.get(name)
            if other is not None and other.is_required() != info.is_required():
                problems.append(f"{cls.__name__}.{name}: required differs")
    if builder.models.get(real) is not twin:
        problems.append("twin is not the twin of the model")
    return problems


# --------------------------------------------------------------------------- schema validators


def escape_dollar_in_classes(pattern: str) -> str:
    r"""Write an unescaped ``$`` inside ``[...]`` as ``\$`` (the same regular language)."""
    out: list[str] = []
    in_class = escaped = False
    class_start = 0
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            # A ']' straight after '[' or '[^' is a literal member, not the end.
            if ch == "]" and "".join(out[class_start:]) not in ("[", "[^"):
                in_class = False
            elif ch == "$":
                out.append("\\")
        elif ch == "[":
            in_class, class_start = True, len(out)
        out.append(ch)
    return "".join(out)


def _map_patterns(node: Any, fix: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        return {
            key: fix(value)
            if key == "pattern" and isinstance(value, str)
            else _map_patterns(value, fix)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_map_patterns(item, fix) for item in node]
    return node


def _patterns(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def fastjsonschema_validator(schema: dict[str, Any]) -> tuple[Callable[[Any], Any] | None, str]:
    """The compiled validator (or None) and a note on how it was obtained."""
    try:
        import fastjsonschema
    except ImportError as error:
        return None, f"fastjsonschema not installed ({error})"
    try:
        # use_default=False: otherwise fastjsonschema writes defaults into the data.
        return fastjsonschema.compile(schema, use_default=False), "schema as exported, no patch"
    except Exception as error:  # report any compile failure and carry on
        first_failure = f"{type(error).__module__}.{type(error).__name__}: {error}"
    print(f"  fastjsonschema.compile(schema) FAILED: {first_failure}")
    changed = sorted({p for p in _patterns(schema) if escape_dollar_in_classes(p) != p})
    if not changed:
        return None, f"compile failed: {first_failure}"
    for pattern in changed:
        shown = pattern if len(pattern) <= 70 else pattern[:67] + "..."
        print(f"    it rewrites every '$' as '\\Z', also inside [...] in: {shown}")
    try:
        patched = _map_patterns(schema, escape_dollar_in_classes)
        validator = fastjsonschema.compile(patched, use_default=False)
    except Exception as error:
        print(f"    retry with '$' escaped inside [...] also failed: {error}")
        return None, f"compile failed: {first_failure}"
    print("    retried with '$' escaped as '\\$' inside [...] (same language): compiled")
    return validator, "schema patched: '$' escaped inside [...]"


def jsonschema_rs_validator(schema: dict[str, Any]) -> tuple[Any | None, str]:
    """The jsonschema-rs validator (or None) and a note."""
    try:
        import jsonschema_rs
    except ImportError:
        return None, (
            "jsonschema-rs is not installed; `pip install jsonschema-rs` (or "
            "`.venv/bin/pip install jsonschema-rs`) to add the compiled reference"
        )
    try:
        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    except Exception as error:
        return None, f"jsonschema-rs could not compile the schema: {error}"
    return validator, f"jsonschema-rs {_version('jsonschema_rs')}, validate_formats=True"


# --------------------------------------------------------------------------- timing


def best_per_item_us(
    jobs: dict[str, tuple[Callable[[Any], object], list[Any]]], repeats: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Best of at least ``repeats`` timed passes per job, in us per item: (CPU time, wall
    time).

    One warm-up pass each, then the jobs take turns (round-robin, ``repeats`` rounds) so
    that machine noise is spread over all of them; the garbage collector is paused while
    a pass is timed. In each round a quick job makes as many passes as fit in about
    :data:`ROUND_SECONDS` (at most :data:`MAX_PASSES_PER_ROUND`), so that a burst of
    noise on a shared machine cannot spoil every pass of the quick validators, whose
    ratios are the targets. CPU time (``time.process_time``) is the steadier figure on a
    busy machine.
    """
    passes: dict[str, int] = {}
    for key, (fn, items) in jobs.items():
        start = time.process_time()
        for item in items:
            fn(item)
        took = max(time.process_time() - start, 1e-6)
        passes[key] = max(1, min(MAX_PASSES_PER_ROUND, int(ROUND_SECONDS / took)))
    cpu = dict.fromkeys(jobs, float("inf"))
    wall = dict.fromkeys(jobs, float("inf"))
    for _ in range(repeats):
        for key, (fn, items) in jobs.items():
            gc.collect()
            for _pass in range(passes[key]):
                gc.disable()
                try:
                    start_cpu, start = time.process_time(), time.perf_counter()
                    for item in items:
                        fn(item)
                    elapsed, elapsed_cpu = (
                        time.perf_counter() - start,
                        time.process_time() - start_cpu,
                    )
                finally:
                    gc.enable()
                cpu[key] = min(cpu[key], elapsed_cpu / len(items) * 1e6)
                wall[key] = min(wall[key], elapsed / len(items) * 1e6)
    return cpu, wall


ROUND_SECONDS = 0.05
"""About how long each job's passes take in one round (a quick job makes several)."""
MAX_PASSES_PER_ROUND = 10


def _per_call_us(fn: Callable[[], object], calls: int) -> float:
    fn()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls * 1e6)
    return best


def report_field_costs(calls: int) -> None:
    """What fostering_hub's own field checks cost per call."""
    checks: list[tuple[str, Callable[[], object]]] = [
        ("normalise_uk_phone('0191 498 0123')", lambda: normalise_uk_phone("0191 498 0123")),
        ("normalise_uk_phone('+44 7523 456789')", lambda: normalise_uk_phone("+44 7523 456789")),
        (
            "normalise_email('jo.bloggs@example.com')",
            lambda: normalise_email("jo.bloggs@example.com"),
        ),
        ("to_london(naive datetime)", lambda: to_london(dt.datetime(2024, 4, 2, 9))),
        (
            "to_london(aware datetime)",
            lambda: to_london(dt.datetime(2024, 4, 2, 9, tzinfo=dt.UTC)),
        ),
        ("normalise_postcode('sr13aa')", lambda: normalise_postcode("sr13aa")),
    ]
    print("\nContext: fostering_hub field checks, us per call (a valid payload here has 2 phones,")
    print("2 emails, 2 postcodes, 10-12 timestamps, a third of payloads naive London time):")
    for label, fn in checks:
        print(f"  {_per_call_us(fn, calls):8.2f}  {label}")


def report_profile(fn: Callable[[bytes], object], items: list[bytes], passes: int) -> None:
    """Top fostering_hub functions by cumulative time in a cProfile of ``fn`` over ``items``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(passes):
        for item in items:
            fn(item)
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in entries.values())
    calls = passes * len(items)
    rows = sorted(entries.items(), key=lambda kv: kv[1][3], reverse=True)
    print(
        f"\ncProfile of the full validator, {calls} payloads (profiled total "
        f"{total / calls * 1e6:.0f} us/payload; cProfile inflates Python calls):"
    )
    print(f"  {'cum us/payload':>14} {'own us/payload':>14} {'calls/payload':>13}  function")
    shown = 0
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in rows:
        if "fostering_hub" not in filename:
            continue
        where = filename.split("fostering_hub", 1)[1].lstrip("/\\")
        print(
            f"  {ct / calls * 1e6:14.1f} {tt / calls * 1e6:14.1f} {nc / calls:13.1f}  "
            f"{where}:{line}({name})"
        )
        shown += 1
        if shown == 10:
            break
    print("  top own time outside fostering_hub:")
    by_own = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)
    shown = 0
    for (filename, line, name), (_cc, nc, tt, _ct, _callers) in by_own:
        if "fostering_hub" in filename:
            continue
        where = name if filename == "~" else f"{filename.rsplit('/', 2)[-2:]}:{line}({name})"
        print(f"  {'':>14} {tt / calls * 1e6:14.1f} {nc / calls:13.1f}  {where}")
        shown += 1
        if shown == 6:
            break


def report_breakdown(
    valid: list[bytes],
    invalid: list[bytes],
    full: Callable[[bytes], object],
    config: Any,
    repeats: int,
) -> None:
    """Where the full validator's time goes on valid payloads, step by step."""
    fast = fast_handover_path()
    assert fast is not None, "the JSON fast path is off"
    parsed = [pydantic_core.from_json(b) for b in valid]
    models = [Handover.model_validate(d) for d in parsed]
    postcode_share = sum(m.allocation.policy == "postcode" for m in models) / len(models)
    steps: list[tuple[str, Callable[[Any], object], list[Any]]] = [
        ("json.loads(bytes)  [for reference]", json.loads, valid),
        ("pydantic_core.from_json(bytes)", pydantic_core.from_json, valid),
        (
            "Handover.model_validate_json(bytes)  [for reference]",
            Handover.model_validate_json,
            valid,
        ),
        (
            "JSON fast path (validation/_fast.py)  [types, JSON mode]",
            lambda b: fast.validate(b, len(b), DEFAULT_LIMITS),
            valid,
        ),
        (
            "validate_handover(model, ...)  [the 14 rules only]",
            lambda m: validate_handover(m, config=config, now=NOW),
            models,
        ),
        ("validate_handover(bytes, ...)  [full]", full, valid),
        ("reference path: parse_document(bytes)  [from_json + limits walk]", parse_document, valid),
        ("reference path: Handover.model_validate(parsed)", Handover.model_validate, parsed),
    ]
    jobs = {label: (fn, items) for label, fn, items in steps}
    cpu, _wall = best_per_item_us(jobs, repeats)
    print("\nWhere the full validator's time goes (valid payloads, CPU us per payload or call):")
    for label, _fn, _items in steps:
        print(f"  {cpu[label]:8.1f}  {label}")
    undecided = [b for b in invalid if fast.validate(b, len(b), DEFAULT_LIMITS) is None]
    print(
        "  full ~ JSON fast path + rules (FH-H009 looks a postcode up on postcode allocations, "
        f"{postcode_share:.0%} here).\n"
        f"  The fast path decided {len(valid)}/{len(valid)} valid and "
        f"{len(invalid) - len(undecided)}/{len(invalid)} invalid payloads; the others took the "
        "reference path\n  (parse_document, then Python-mode validation, then the limits walk)."
    )


def _version(dist: str) -> str:
    for name in (dist, dist.replace("_", "-")):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def _target_line(label: str, ratios: dict[str, float], ok: Callable[[float], bool]) -> str:
    shown = ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items())
    verdict = "PASS" if all(ok(v) for v in ratios.values()) else "MISS"
    return f"  {verdict}  {label}: {shown}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40+40 payloads, 2 repeats")
    parser.add_argument("--profile", action="store_true", help="also cProfile the full validator")
    args = parser.parse_args()
    count, repeats = (40, 2) if args.quick else (200, 10)

    print("Handover validation, us/payload: full validator vs plain types vs JSON Schema")
    print(
        f"python {sys.version.split()[0]}; "
        + ", ".join(
            f"{name} {_version(name)}"
            for name in (
                "pydantic",
                "pydantic_core",
                "jsonschema",
                "fastjsonschema",
                "jsonschema_rs",
            )
        )
    )

    config = load_config()

    def full(content: bytes) -> bool:
        return validate_handover(content, config=config, now=NOW).valid

    valid = [encode(p) for p in valid_payloads(count)]
    invalid_meta = invalid_payloads(count)
    invalid = [encode(p) for _c, _w, p in invalid_meta]

    # Sanity check of the generators: the full validator is the reference verdict.
    fh_rejects_valid = [n for n, b in enumerate(valid) if not full(b)]
    fh_accepts_invalid = [n for n, b in enumerate(invalid) if full(b)]
    for n in fh_rejects_valid:
        report = validate_handover(valid[n], config=config, now=NOW)
        codes = sorted({issue.code for issue in report.errors})
        print(f"  note: generated valid payload {n} is rejected ({', '.join(codes)}); dropped")
    for n in fh_accepts_invalid:
        print(f"  note: generated invalid payload {n} ({invalid_meta[n][1]}) is accepted; dropped")
    valid = [b for n, b in enumerate(valid) if n not in fh_rejects_valid]
    keep = [n for n in range(len(invalid)) if n not in fh_accepts_invalid]
    invalid = [invalid[n] for n in keep]
    invalid_meta = [invalid_meta[n] for n in keep]
    valid_objs = [json.loads(b) for b in valid]
    invalid_objs = [json.loads(b) for b in invalid]
    vsizes = [len(b) for b in valid]
    print(
        f"{len(valid)} valid payloads ({min(vsizes)}-{max(vsizes)} bytes, mean "
        f"{sum(vsizes) // len(vsizes)}) + {len(invalid)} invalid; best pass of {repeats} rounds "
        f"(up to {MAX_PASSES_PER_ROUND} passes a round) after a warm-up"
    )
    by_category = collections.Counter(c for c, _w, _p in invalid_meta)
    print("invalid: " + ", ".join(f"{c} {k}" for c, k in by_category.items()))
    statuses: collections.Counter[str] = collections.Counter()
    for content in valid:
        report = validate_handover(content, config=config, now=NOW)
        statuses.update(f"{o.code} {o.status.value}" for o in report.outcomes)
    ran = collections.Counter(key.split()[1] for key in statuses.elements())
    print(
        f"rule outcomes on the valid set: {dict(ran)} "
        f"({len(statuses)} code/status pairs; could-not-run: "
        f"{sorted(k for k in statuses if k.endswith('could_not_run')) or 'none'})"
    )

    # Plain-types twin.
    builder = PlainTwin()
    plain = builder.model(Handover)
    problems = same_shape(Handover, plain, builder)
    print(
        f"plain twin: {len(builder.models)} models, "
        f"{sum(len(m.model_fields) for m in builder.models)} fields, "
        + ("same field names and required sets as Handover" if not problems else str(problems))
    )
    print("  dropped: " + ", ".join(f"{k} x{n}" for k, n in sorted(builder.dropped.items())))
    # The issue's own words for the twin: "no phone, email or postcode checks".
    literal_builder = PlainTwin(only=(_phone._validate, _email._validate, _postcode._validate))
    literal = literal_builder.model(Handover)
    print(
        "twin without phone, email and postcode checks (the issue's wording; every other "
        "check kept): dropped "
        + ", ".join(f"{k} x{n}" for k, n in sorted(literal_builder.dropped.items()))
    )

    # JSON Schema validators, all on the exported schema with the hub's profile.
    schema = handover_schema(config.handover)
    jsonschema.Draft202012Validator.check_schema(schema)
    js = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    fjs, fjs_note = fastjsonschema_validator(schema)
    rs, rs_note = jsonschema_rs_validator(schema)
    print(f"schema: {schema['$id']} ({len(json.dumps(schema))} bytes as JSON)")
    print(f"  fastjsonschema: {fjs_note if fjs else 'skipped, ' + fjs_note}")
    print(f"  jsonschema-rs: {rs_note if rs else 'skipped: ' + rs_note}")

    def types_only(content: bytes) -> object:
        return validate_json(KIND, content)

    model_json = json_validator(Handover)
    plain_json = json_validator(plain)
    literal_json = json_validator(literal)

    def js_obj(obj: Any) -> object:
        return collections.deque(js.iter_errors(obj), maxlen=0)

    def js_bytes(content: bytes) -> object:
        return collections.deque(js.iter_errors(json.loads(content)), maxlen=0)

    rows: list[tuple[str, str, str, Callable[[Any], object], bool]] = [
        ("full", "(a) full validator (types+rules)", "bytes", full, True),
        ("types", "(b) types only validate_json", "bytes", types_only, True),
        ("model", "    Handover.model_validate_json", "bytes", model_json, True),
        ("plain", "(c) plain-types twin", "bytes", plain_json, True),
        ("literal", "    twin w/o phone, email, postcode", "bytes", literal_json, True),
        ("js", "(d) jsonschema Draft202012+formats", "parsed", js_obj, False),
        ("js+loads", "(d) jsonschema Draft202012+formats", "bytes+loads", js_bytes, True),
    ]
    fjs_bytes: Callable[[bytes], object] | None = None
    if fjs is not None:
        import fastjsonschema

        def fjs_obj(obj: Any) -> object:
            try:
                return fjs(obj)
            except fastjsonschema.JsonSchemaException as error:
                return error

        def fjs_bytes(content: bytes) -> object:
            return fjs_obj(json.loads(content))

        rows.append(("fjs", "(e) fastjsonschema (first error)", "parsed", fjs_obj, False))
        rows.append(
            ("fjs+loads", "(e) fastjsonschema (first error)", "bytes+loads", fjs_bytes, True)
        )
    if rs is not None:

        def rs_obj(obj: Any) -> object:
            return collections.deque(rs.iter_errors(obj), maxlen=0)

        def rs_bytes(content: bytes) -> object:
            return collections.deque(rs.iter_errors(json.loads(content)), maxlen=0)

        rows.append(("rs", "(f) jsonschema-rs +formats", "parsed", rs_obj, False))
        rows.append(("rs+loads", "(f) jsonschema-rs +formats", "bytes+loads", rs_bytes, True))

    jobs: dict[str, tuple[Callable[[Any], object], list[Any]]] = {}
    for key, _name, _given, fn, wants_bytes in rows:
        ok_items, bad_items = (valid, invalid) if wants_bytes else (valid_objs, invalid_objs)
        jobs[f"{key} valid"] = (fn, ok_items)
        jobs[f"{key} invalid"] = (fn, bad_items)
    best, wall = best_per_item_us(jobs, repeats)
    load = sum(wall[k] / best[k] for k in jobs) / len(jobs)
    us = {
        key: {
            "valid": best[f"{key} valid"],
            "invalid": best[f"{key} invalid"],
            "mixed": (best[f"{key} valid"] + best[f"{key} invalid"]) / 2,
        }
        for key, *_rest in rows
    }

    print(
        f"\n  {'validator':<35} {'input':<11} {'valid us':>9} {'invalid us':>10} "
        f"{'mixed us':>9} {'x full':>7}"
    )
    for key, name, given, _fn, _wants_bytes in rows:
        row = us[key]
        print(
            f"  {name:<35} {given:<11} {row['valid']:9.1f} {row['invalid']:10.1f} "
            f"{row['mixed']:9.1f} {row['mixed'] / us['full']['mixed']:7.2f}"
        )
    print("  (CPU us per payload, best pass; mixed = mean of valid and invalid;")
    print("  x full = mixed time / the full validator's mixed time)")
    print(f"  wall-clock best passes were on average {load:.2f}x their CPU time (machine load)")

    def ratio(top: str, bottom: str) -> dict[str, float]:
        return {kind: us[top][kind] / us[bottom][kind] for kind in ("valid", "invalid", "mixed")}

    print("\nRatios (valid, invalid, mixed):")
    print(
        _target_line(
            "jsonschema (bytes+loads) / full >= 10", ratio("js+loads", "full"), lambda r: r >= 10
        )
    )
    print(_target_line("jsonschema (parsed) / full >= 10", ratio("js", "full"), lambda r: r >= 10))
    print(_target_line("full / plain-types twin <= 3", ratio("full", "plain"), lambda r: r <= 3))
    print(
        "  info  full / types only (cost of the rule catalogue): "
        + ", ".join(f"{k} {v:.2f}x" for k, v in ratio("full", "types").items())
    )
    print(
        "  info  full / twin without phone, email and postcode checks (the issue's wording): "
        + ", ".join(f"{k} {v:.2f}x" for k, v in ratio("full", "literal").items())
    )
    print(
        "  info  types only / plain-types twin (cost of the UK types): "
        + ", ".join(f"{k} {v:.2f}x" for k, v in ratio("types", "plain").items())
    )
    for key, label in (("fjs", "fastjsonschema"), ("rs", "jsonschema-rs")):
        if key not in us:
            print(f"  info  {label}: not measured")
            continue
        for variant in (key, f"{key}+loads"):
            shown = ", ".join(f"{k} {v:.2f}x" for k, v in ratio("full", variant).items())
            given = "bytes+loads" if variant.endswith("+loads") else "parsed"
            print(f"  info  full / {label} ({given}): {shown}")
    report_breakdown(valid, invalid, full, config, repeats)
    report_field_costs(500 if args.quick else 5000)

    # ------------------------------------------------------------------ agreement
    print("\nAgreement with the full validator (the reference verdict):")
    judges: list[tuple[str, Callable[[bytes], bool]]] = [
        ("types only (validate_json)", lambda b: not validate_json(KIND, b)),
        ("plain-types twin", lambda b: not isinstance(plain_json(b), ValidationError)),
        (
            "twin w/o phone, email, postcode",
            lambda b: not isinstance(literal_json(b), ValidationError),
        ),
        ("jsonschema", lambda b: next(js.iter_errors(json.loads(b)), None) is None),
    ]
    if fjs_bytes is not None:
        judges.append(("fastjsonschema", lambda b: not isinstance(fjs_bytes(b), Exception)))
    if rs is not None:
        judges.append(("jsonschema-rs", lambda b: rs.is_valid(json.loads(b))))
    for name, accepts in judges:
        rejected_valid = sum(1 for b in valid if not accepts(b))
        accepted = [meta for b, meta in zip(invalid, invalid_meta, strict=True) if accepts(b)]
        by_cat = collections.Counter(category for category, _what, _p in accepted)
        print(
            f"  {name}: valid judged invalid {rejected_valid}/{len(valid)}; "
            f"invalid judged valid {len(accepted)}/{len(invalid)} "
            f"({', '.join(f'{c} {n}' for c, n in sorted(by_cat.items())) or '-'})"
        )
        if name in ("jsonschema", "plain-types twin"):
            grouped = collections.Counter((c, w) for c, w, _p in accepted)
            for (category, what), times in sorted(grouped.items()):
                print(f"    accepts x{times:<3} {category}: {what}")
    print(
        "  expected: JSON Schema cannot check journey transitions, whether a phone number "
        "exists\n  or the rules; the exported profile schema does carry H012/H014."
    )

    if args.profile:
        report_profile(full, valid + invalid, 1 if args.quick else 3)


if __name__ == "__main__":
    main()
