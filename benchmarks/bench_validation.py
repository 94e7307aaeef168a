"""Validation throughput of handover payloads: fostering_hub vs pydantic vs JSON Schema.

Compared, per payload, on ~200 valid and ~200 invalid synthetic handovers:

(a) ``fostering_hub.validation.validate_json("handover", bytes)`` (the library's entry point)
(b) ``Handover.model_validate_json(bytes)`` directly (what (a) wraps)
(c) ``jsonschema.Draft202012Validator(schema, format_checker=...).iter_errors(obj)``,
    consumed fully, on parsed JSON and with ``json.loads`` included
(d) ``fastjsonschema.compile(schema)`` (stops at the first error), likewise

Each figure is the best of 5 timed passes over the whole set after a warm-up pass
(validators taking turns, garbage collector paused while timing).
Also reported: where the JSON Schema validators judge a payload differently from
fostering_hub. JSON Schema cannot express every rule (journey transitions, whether a
phone number exists), so some invalid payloads are expected to pass it.

Run: ``python benchmarks/bench_validation.py [--quick]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import collections
import copy
import datetime as dt
import gc
import json
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from typing import Any

import jsonschema
from pydantic import ValidationError

from fostering_hub.models import (
    Handover,
    json_schema,
    normalise_email,
    normalise_postcode,
    normalise_uk_phone,
    to_london,
)
from fostering_hub.validation import validate_json

KIND = "handover"
FIRST_NAMES = ["Alex", "Sam", "Jo", "Priya", "Tomasz", "Aisha", "Callum", "Niamh", "Wei", "Olu"]
LAST_NAMES = ["Example", "Smith", "Patel", "Nowak", "Khan", "Robson", "O'Neill", "Chen", "Adeyemi"]
TOWNS = ["Sunderland", "Newcastle upon Tyne", "Durham", "Gateshead", "South Shields", None]
POSTCODES = ["SR1 3AA", "NE1 4ST", "DH1 3EE", "NE8 1HH", "NE33 1RR", "sr27aa", "TS1 2AA", "DL14DA"]
CHANNELS = ["web", "phone", "email", "event", "referral", "other"]
INTERESTS = ["short_breaks", "short_term", "long_term", "parent_and_child", "sibling_groups"]
CONTACT_METHODS = ["phone", "email", "text", "post"]
#: Ofcom's drama range for Tyneside (0191 498 0000-0999), written in the accepted forms.
PHONE_FORMATS = [
    "0191 498 0{n:03d}",
    "+44 191 498 0{n:03d}",
    "01914980{n:03d}",
    "0191-498-0{n:03d}",
]

Payload = dict[str, Any]
Path = tuple[str | int, ...]


# --------------------------------------------------------------------------- payloads


def _phone(n: int) -> str:
    return PHONE_FORMATS[n % len(PHONE_FORMATS)].format(n=n % 1000)


def _stamp(day: int, hour: int, *, naive: bool) -> str:
    # April/May 2024 is BST; naive stamps are read as London local time by fostering_hub.
    month, day = (4, day) if day <= 30 else (5, day - 30)
    text = f"2024-{month:02d}-{day:02d}T{hour:02d}:00:00"
    return text if naive else text + "+01:00"


def _applicant(i: int, k: int) -> Payload:
    first = FIRST_NAMES[(i + 3 * k) % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // 2 + k) % len(LAST_NAMES)]
    local = f"{first}.{last}{i}".lower().replace("'", "")
    applicant: Payload = {
        "first_name": first,
        "last_name": last,
        "date_of_birth": f"{1960 + i % 35}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "phone": _phone(i * 2 + k),
        "email": f"{local}@example.com",
        "address": {
            "line1": f"{1 + i % 120} Example Street",
            "postcode": POSTCODES[i % len(POSTCODES)],
        },
        "preferred_contact_method": CONTACT_METHODS[(i + k) % len(CONTACT_METHODS)],
    }
    town = TOWNS[i % len(TOWNS)]
    if town is not None:
        applicant["address"]["town"] = town
    if i % 4 == 1:
        applicant["preferred_contact_times"] = "weekday evenings after 6pm"
    return applicant


def _journey(i: int) -> list[Payload]:
    naive = i % 5 == 0
    stages = ["enquired", "first_contact", "initial_visit", "eoi", "handed_over"]
    if i % 4 == 0:
        stages.insert(2, "on_hold")
    if i % 7 == 3:
        stages.remove("initial_visit")
    return [
        {"stage": stage, "at": _stamp(2 + 3 * n, 9 + n % 8, naive=naive)}
        for n, stage in enumerate(stages)
    ]


def valid_payloads(count: int) -> list[Payload]:
    """``count`` varied valid handovers built from ``Handover.example()``."""
    base = Handover.example().model_dump(mode="json", exclude_none=True)
    payloads = []
    for i in range(count):
        data = copy.deepcopy(base)
        data["handover_id"] = f"HO-2024-{i:04d}"
        data["enquiry_id"] = f"NE-2024-{100000 + i:06d}"
        data["channel"] = CHANNELS[i % len(CHANNELS)]
        data["applicants"] = [_applicant(i, 0)]
        if i % 3 == 0:
            data["applicants"].append(_applicant(i, 1))
        data["interests"] = INTERESTS[i % 3 : i % 3 + 1 + i % 3]
        data["household"] = [
            {"relationship": "child", "date_of_birth": f"{2008 + (i + n) % 12}-03-0{1 + n}"}
            for n in range(i % 3)
        ]
        data["journey"] = _journey(i)
        data["handed_over_at"] = data["journey"][-1]["at"]
        data["consents"][0]["given_at"] = data["journey"][0]["at"]
        if i % 2:
            data["allocation"]["confidence"] = 0.5 + (i % 5) / 10
        payloads.append(data)
    return payloads


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
        event: Payload = {"stage": stage, "at": _stamp(2 + 3 * n, 10, naive=False)}
        if stage == "withdrawn":
            event["reason"] = "AW3"
        events.append(event)
    return events


APPLICANT = ("applicants", 0)
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


# --------------------------------------------------------------------------- validators


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
        return fastjsonschema.compile(schema, use_default=False), "schema as generated"
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


# --------------------------------------------------------------------------- timing


def best_per_item_us(
    jobs: dict[str, tuple[Callable[[Any], object], list[Any]]], repeats: int
) -> dict[str, float]:
    """Best of ``repeats`` timed passes per job, in us per item.

    One warm-up pass each, then the jobs take turns (round-robin) so that machine noise
    is spread over all of them; the garbage collector is paused while a pass is timed.
    """
    for fn, items in jobs.values():
        for item in items:
            fn(item)
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(repeats):
        for key, (fn, items) in jobs.items():
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                for item in items:
                    fn(item)
                elapsed = time.perf_counter() - start
            finally:
                gc.enable()
            best[key] = min(best[key], elapsed / len(items) * 1e6)
    return best


def _per_call_us(fn: Callable[[], object], calls: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def report_field_costs(calls: int) -> None:
    """What fostering_hub's own field validators cost per call (they dominate (a) and (b))."""
    checks: list[tuple[str, Callable[[], object]]] = [
        (
            "normalise_uk_phone('0191 498 0123')  [phonenumbers]",
            lambda: normalise_uk_phone("0191 498 0123"),
        ),
        (
            "normalise_email('jo.bloggs@example.com')  [email-validator]",
            lambda: normalise_email("jo.bloggs@example.com"),
        ),
        ("to_london(naive datetime)  [pendulum]", lambda: to_london(dt.datetime(2024, 4, 2, 9))),
        ("normalise_postcode('sr13aa')  [re]", lambda: normalise_postcode("sr13aa")),
    ]
    print("\nContext: fostering_hub field validators, us per call (a valid payload here has")
    print("1-2 phones, 1-2 emails and 6-8 timestamps, all naive London time in 1 payload in 5):")
    for label, fn in checks:
        print(f"  {_per_call_us(fn, calls):8.1f}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40+40 payloads, 2 repeats")
    args = parser.parse_args()
    count, repeats = (40, 2) if args.quick else (200, 5)

    print(
        "Handover validation, us/payload: fostering_hub validate_json vs "
        "Handover.model_validate_json vs jsonschema vs fastjsonschema"
    )
    versions = {}
    for dist in ("pydantic", "pydantic_core", "jsonschema", "fastjsonschema"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    print(
        f"python {sys.version.split()[0]}; "
        + ", ".join(f"{name} {ver}" for name, ver in versions.items())
    )

    valid = [json.dumps(p).encode() for p in valid_payloads(count)]
    invalid_meta = invalid_payloads(count)
    invalid = [json.dumps(p).encode() for _c, _w, p in invalid_meta]

    # Sanity check of the generators: fostering_hub is the reference verdict.
    fh_rejects_valid = [n for n, b in enumerate(valid) if validate_json(KIND, b)]
    fh_accepts_invalid = [n for n, b in enumerate(invalid) if not validate_json(KIND, b)]
    for n in fh_rejects_valid:
        print(f"  note: generated valid payload {n} is rejected by fostering_hub; dropped")
    for n in fh_accepts_invalid:
        print(f"  note: generated invalid payload {n} ({invalid_meta[n][1]}) is accepted; dropped")
    valid = [b for n, b in enumerate(valid) if n not in fh_rejects_valid]
    keep = [n for n in range(len(invalid)) if n not in fh_accepts_invalid]
    invalid = [invalid[n] for n in keep]
    invalid_meta = [invalid_meta[n] for n in keep]
    valid_objs = [json.loads(b) for b in valid]
    invalid_objs = [json.loads(b) for b in invalid]
    sizes = [len(b) for b in valid + invalid]
    print(
        f"{len(valid)} valid + {len(invalid)} invalid payloads "
        f"({min(sizes)}-{max(sizes)} bytes, mean {sum(sizes) // len(sizes)}); "
        f"best of {repeats} passes after a warm-up"
    )
    by_category = collections.Counter(c for c, _w, _p in invalid_meta)
    print("invalid: " + ", ".join(f"{c} {k}" for c, k in by_category.items()))

    schema = json_schema(KIND)
    jsonschema.Draft202012Validator.check_schema(schema)
    js = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    fjs, fjs_note = fastjsonschema_validator(schema)

    def fh(content: bytes) -> object:
        return validate_json(KIND, content)

    def pyd(content: bytes) -> object:
        try:
            return Handover.model_validate_json(content)
        except ValidationError as error:
            return error

    def js_obj(obj: Any) -> object:
        return collections.deque(js.iter_errors(obj), maxlen=0)

    def js_bytes(content: bytes) -> object:
        return collections.deque(js.iter_errors(json.loads(content)), maxlen=0)

    rows: list[tuple[str, str, Callable[[Any], object], bool]] = [
        ("(a) fostering_hub validate_json", "bytes", fh, True),
        ("(b) Handover.model_validate_json", "bytes", pyd, True),
        ("(c) jsonschema Draft202012 +formats", "parsed", js_obj, False),
        ("(c) jsonschema Draft202012 +formats", "bytes+loads", js_bytes, True),
    ]
    if fjs is not None:
        import fastjsonschema

        def fjs_obj(obj: Any) -> object:
            try:
                return fjs(obj)
            except fastjsonschema.JsonSchemaException as error:
                return error

        def fjs_bytes(content: bytes) -> object:
            return fjs_obj(json.loads(content))

        rows.append(("(d) fastjsonschema", "parsed", fjs_obj, False))
        rows.append(("(d) fastjsonschema", "bytes+loads", fjs_bytes, True))
        print(f"  fastjsonschema: {fjs_note}")
    else:
        print(f"  fastjsonschema: skipped, {fjs_note}")

    jobs: dict[str, tuple[Callable[[Any], object], list[Any]]] = {}
    for index, (_name, _given, fn, wants_bytes) in enumerate(rows):
        ok_items, bad_items = (valid, invalid) if wants_bytes else (valid_objs, invalid_objs)
        jobs[f"{index} valid"] = (fn, ok_items)
        jobs[f"{index} invalid"] = (fn, bad_items)
    best = best_per_item_us(jobs, repeats)
    results = [
        (name, given, best[f"{index} valid"], best[f"{index} invalid"])
        for index, (name, given, _fn, _wants_bytes) in enumerate(rows)
    ]

    fh_valid_us, fh_invalid_us = results[0][2], results[0][3]
    print(
        f"\n  {'validator':<36} {'input':<11} {'valid us':>9} {'invalid us':>10} "
        f"{'x fh valid':>10} {'x fh invalid':>12}"
    )
    for name, given, valid_us, invalid_us in results:
        print(
            f"  {name:<36} {given:<11} {valid_us:9.1f} {invalid_us:10.1f} "
            f"{valid_us / fh_valid_us:10.2f} {invalid_us / fh_invalid_us:12.2f}"
        )
    print("  (x fh = time / fostering_hub's time; below 1 is faster than fostering_hub)")
    report_field_costs(200 if args.quick else 2000)

    # ------------------------------------------------------------------ agreement
    print("\nAgreement with fostering_hub (the reference verdict):")
    judges: list[tuple[str, Callable[[Any], bool]]] = [
        ("Handover.model_validate_json", lambda b: not isinstance(pyd(b), ValidationError)),
        ("jsonschema", lambda b: next(js.iter_errors(json.loads(b)), None) is None),
    ]
    if fjs is not None:
        judges.append(("fastjsonschema", lambda b: not isinstance(fjs_bytes(b), Exception)))
    for name, accepts in judges:
        rejected_valid = sum(1 for b in valid if not accepts(b))
        accepted = [meta for b, meta in zip(invalid, invalid_meta, strict=True) if accepts(b)]
        print(
            f"  {name}: valid judged invalid {rejected_valid}/{len(valid)}; "
            f"invalid judged valid {len(accepted)}/{len(invalid)}"
        )
        grouped = collections.Counter((category, what) for category, what, _p in accepted)
        for (category, what), times in sorted(grouped.items()):
            print(f"    accepts x{times:<3} {category}: {what}")
    print(
        "  expected: JSON Schema cannot check journey transitions or whether a phone number exists."
    )


if __name__ == "__main__":
    main()
