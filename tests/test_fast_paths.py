"""The phone and email fast paths give exactly the libraries' verdicts.

``normalise_uk_phone`` and ``normalise_email`` decide most inputs without calling
``phonenumbers`` or ``email-validator`` (see ``_phone_fast`` and ``_email_fast``). Here
they are compared, input by input, with the straightforward library code they replaced
(``reference_phone`` and ``reference_email`` below): same acceptance, same normalised
text, and a rejection is a ``ValueError`` whose message holds none of the input. The
fast-path functions are also checked on their own, so that a deferral to the library
cannot hide a wrong fast verdict.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import email_validator
import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fostering_hub.models import _email_fast, _phone_fast
from fostering_hub.models._email import (
    _EMAIL_RE,
    KEPT_EMAIL_PATTERN,
    MAX_EMAIL_LENGTH,
    library_email,
    normalise_email,
)
from fostering_hub.models._phone import _INPUT_RE, library_uk_phone, normalise_uk_phone

PHONE_ERROR = "not a UK phone number"
EMAIL_ERROR = "not a valid email address"


# Hypothesis explores and shrinks; the seeded sweeps below add volume cheaply. The example
# counts keep this file at about 20 s.
def examples(count: int) -> settings:
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the reference: the libraries alone, as the code was before the fast paths -----------

reference_phone = library_uk_phone
reference_email = library_email


def outcome(function: Callable[[str], str], value: str) -> tuple[bool, str]:
    """(True, normalised) or (False, error message)."""
    try:
        return True, function(value)
    except ValueError as error:
        return False, str(error)


def check_phone(value: str) -> tuple[bool, str]:
    expected = outcome(reference_phone, value)
    assert outcome(normalise_uk_phone, value) == expected, value
    accepted, text = expected
    if not accepted:
        assert text == PHONE_ERROR  # a fixed message, so none of the input
    if _INPUT_RE.fullmatch(value):
        fast = _phone_fast.fast_uk_phone(value)
        assert fast is not None, f"fast path deferred {value!r}"  # it never needs to
        assert fast == (text if accepted else False), value
    return expected


def check_email(value: str, *, fast_expected: bool = True) -> tuple[bool, str]:
    expected = outcome(reference_email, value)
    assert outcome(normalise_email, value) == expected, value
    accepted, text = expected
    if not accepted:
        assert text == EMAIL_ERROR  # a fixed message, so none of the input
    if len(value) <= MAX_EMAIL_LENGTH and _EMAIL_RE.fullmatch(value):
        fast = _email_fast.fast_email(value)
        if fast is not None:
            assert fast == (text if accepted else False), value
        local, _, domain = value.partition("@")
        if fast_expected and len(local) <= 64 and "xn--" not in domain.lower():
            assert fast is not None, f"fast path deferred {value!r}"
    return expected


# -- phone numbers ----------------------------------------------------------------------

#: Starts of numbers: UK national and international forms, odd but accepted forms, and
#: other countries.
PHONE_PREFIXES = [
    *("01", "02", "03", "05", "07", "08", "09", "0"),
    *("+44", "0044", "+44 (0)", "+44(0)", "+440", "0044 (0)", "00440", "+44 0"),
    *("44", "440", "4", "+4", "+0044", "+00 44", "+0", "+00", "000", "00"),
    *("180020", "0180020", "+44 180020", "+1", "+33", "+353", "001", "0033", "00353"),
    "",
]
PHONE_SEPARATORS = ["", "", "", "", " ", " ", "  ", "-", " - ", "(", ")", " (", ") "]


@st.composite
def spaced(draw: st.DrawFn, compact: str) -> str:
    """``compact`` with random separators between its characters."""
    count = max(len(compact) - 1, 0)
    seps = draw(st.lists(st.sampled_from(PHONE_SEPARATORS), min_size=count, max_size=count))
    return compact[:1] + "".join(sep + char for sep, char in zip(seps, compact[1:], strict=True))


@st.composite
def generated_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(PHONE_PREFIXES))
    body = draw(st.text("0123456789", min_size=6, max_size=13))
    written = draw(spaced(prefix.replace(" ", "") + body))
    # Keep a "+44 (0)"-style prefix as written some of the time.
    if " " in prefix or "(" in prefix:
        written = draw(st.sampled_from([written, prefix + " " + body, prefix + body]))
    return written


def digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


#: (national significant number start, digits to add): real-looking UK numbers.
REAL_LOOKING = [
    # Ofcom drama ranges: landlines valid, 07700 900xxx invalid to phonenumbers.
    *(("1134960", 3), ("1144960", 3), ("1154960", 3), ("1164960", 3), ("1174960", 3)),
    *(("1184960", 3), ("1214960", 3), ("1314960", 3), ("1414960", 3), ("1514960", 3)),
    *(("1614960", 3), ("1914980", 3), ("2079460", 3), ("2896496", 3), ("2920180", 3)),
    *(("1632960", 3), ("7700900", 3), ("8081570", 3), ("9098790", 3), ("3069990", 3)),
    # Freephone, non-geographic, mobiles, pagers, personal numbers, VoIP, premium.
    *(("800", 7), ("800", 6), ("8001111", 0), ("808", 7), ("300", 7), ("303", 7)),
    *(("330", 7), ("333", 7), ("345", 7), ("370", 7), ("7", 9), ("71", 8), ("73", 8)),
    *(("74", 8), ("75", 8), ("77", 8), ("78", 8), ("79", 8), ("76", 8), ("760", 7)),
    *(("7624", 6), ("70", 8), ("56", 8), ("55", 8), ("843", 7), ("871", 7), ("909", 7)),
    # Geographic numbers of every shape, and the Channel Islands and the Isle of Man.
    *(("1", 9), ("2", 9), ("1", 8), ("11", 8), ("121", 7), ("1481", 6), ("1534", 6)),
    *(("1624", 6), ("7781", 6), ("7839", 6), ("7911", 6), ("7924", 6), ("7524", 6)),
    *(("16977", 4), ("16977", 5), ("1387", 6), ("13873", 5), ("28", 8), ("29", 8)),
]


def written_forms(nsn: str) -> list[str]:
    """The ways people write the UK number with national significant number ``nsn``."""
    national = "0" + nsn
    return [
        national,
        f"{national[:5]} {national[5:]}",
        f"{national[:4]} {national[4:7]} {national[7:]}",
        f"{national[:3]} {national[3:7]} {national[7:]}",
        f"({national[:5]}) {national[5:]}",
        f"{national[:5]}-{national[5:8]}-{national[8:]}",
        f"+44{nsn}",
        f"+44 {nsn[:4]} {nsn[4:]}",
        f"+44 (0){nsn[:4]} {nsn[4:]}",
        f"+44 (0) {nsn}",
        f"+440{nsn}",
        f"0044 {nsn}",
        f"0044 (0) {nsn}",
        f"44 {nsn}",
        nsn,
        f"  {national}",
        f"{national}  ",
    ]


@st.composite
def real_looking_numbers(draw: st.DrawFn) -> str:
    start, more = draw(st.sampled_from(REAL_LOOKING))
    written = draw(st.sampled_from(written_forms(start + draw(digits(more)))))
    if draw(st.booleans()):
        return written
    return draw(spaced(written.replace(" ", "")))


INTERNATIONAL = [
    "+1 202 555 0143",
    "+1 (202) 555-0143",
    "001 202 555 0143",
    "+33 1 23 45 67 89",
    "0033 6 12 34 56 78",
    "+353 1 234 5678",
    "00353 87 123 4567",
    "+353 (0)87 123 4567",
    "+61 2 9876 5432",
    "+91 98765 43210",
]

SAMPLE_NUMBERS = [
    "0191 498 0123",
    "01914980123",
    "+441914980123",
    "+44 191 498 0123",
    "+44 (0)191 498 0123",
    "+44 (0) 191 498 0123",
    "+440 191 498 0123",
    "+44 0 191 498 0123",
    "0044 191 498 0123",
    "0044 (0)191 498 0123",
    "+0044 191 498 0123",  # phonenumbers retries without the "+": valid
    "+00 44 191 498 0123",
    "44 191 498 0123",  # no "+", read as +44 anyway
    "4401914980123",
    "191 498 0123",  # no trunk 0: still GB
    "180020 191 498 0123",  # BT's 180020 prefix is stripped like a trunk 0
    "+44 00 191 498 0123",
    "0 191 498 0123",
    "0191-498-0123",
    "(0191) 498 0123",
    "0191  498   0123",
    "0-1-9-1-4-9-8-0-1-2-3",
    "0113 496 0000",
    "0113 496 0999",
    "020 7946 0000",
    "020 7946 0999",
    "028 9649 6000",
    "029 2018 0000",
    "01632 960000",
    "07700 900000",  # drama mobiles: invalid to phonenumbers
    "07700 900999",
    "07911 123456",
    "07400 123456",
    "07624 123456",  # Isle of Man mobile
    "01624 456789",  # Isle of Man landline: IM metadata, invalid
    "01481 256789",  # Guernsey
    "01534 456789",  # Jersey
    "+44 1481 123456",
    "07781 123456",
    "07839 123456",
    "07640 123456",  # pager
    "07011 123456",  # personal number
    "05612 345678",  # VoIP
    "0800 123 4567",
    "0800 123456",
    "0800 1111",  # the one 7-digit freephone number
    "0808 157 0192",
    "0300 123 4567",
    "0345 123 4567",
    "0370 010 0222",
    "0845 464 0000",
    "0870 123 4567",
    "0909 879 0000",
    "0191 498 012",  # too short
    "0191 498 01234",  # too long
    "0191 4980 1234 5678",
    "000 191 498 0123",
    "+0 191 498 0123",
    "+4 4 191 498 0123",
    "+44 191 498 0123 4567 8901",
    "999999999999999999999999",
    "0000000",
    "+000000",
    *INTERNATIONAL,
]


@pytest.mark.parametrize("value", SAMPLE_NUMBERS)
def test_phone_samples(value: str) -> None:
    check_phone(value)


def test_phone_samples_cover_both_verdicts() -> None:
    verdicts = [check_phone(value)[0] for value in SAMPLE_NUMBERS]
    assert verdicts.count(True) >= 35
    assert verdicts.count(False) >= 20


@examples(1200)
@given(generated_numbers())
@example("+44 (0) 7911 123456")
@example("0044 0 20 7946 0123")
def test_phone_generated(value: str) -> None:
    check_phone(value)


@examples(1200)
@given(real_looking_numbers())
def test_phone_real_looking(value: str) -> None:
    check_phone(value)


@examples(300)
@given(st.text(alphabet="0123456789+ ()-.x/", max_size=30))
def test_phone_any_text(value: str) -> None:
    check_phone(value)


@examples(700)
@given(st.sampled_from(["1", "2", "3", "5", "7", "8", "9"]), st.integers(6, 10), st.data())
def test_phone_validity_matches_library(first: str, length: int, data: st.DataObject) -> None:
    """is_valid_number on a national significant number alone, over all number types."""
    nsn = first + data.draw(digits(length - 1))
    number = phonenumbers.PhoneNumber(country_code=44, national_number=int(nsn))
    plan = _phone_fast._plan or _phone_fast._load()
    assert plan is not None
    assert plan.is_valid(nsn) == phonenumbers.is_valid_number(number)


@examples(700)
@given(st.integers(0, 3), st.data())
def test_phone_type_tests_match_the_pattern(region: int, data: st.DataObject) -> None:
    """The two Rust-regex tests of a number's type give the verdict of the Python pattern
    with its look-ahead, for every region of code 44 and every length it has."""
    plan = _phone_fast._plan or _phone_fast._load()
    assert plan is not None
    regions = plan.regions
    chosen = regions[region % len(regions)]
    length = data.draw(st.sampled_from(sorted(chosen.valid_by_length)))
    first = data.draw(st.sampled_from("0123456789"))
    nsn = first + data.draw(digits(length - 1))
    pattern = chosen.valid_by_length[length]
    general_test, type_test = chosen.known_by_length[length]
    assert general_test is not pattern.fullmatch  # Rust's compiled these
    assert bool(general_test(nsn) and type_test(nsn)) == (pattern.fullmatch(nsn) is not None)


def test_phone_type_tests_fall_back_to_python() -> None:
    """Where Rust's regular expressions cannot compile a pattern, the Python one is used."""
    pattern = re.compile(r"(?=(?:1\d+(?=2))\Z)(?:12)")
    general_test, type_test = _phone_fast._full_matches(r"1\d+(?=2)", "12", pattern)
    assert general_test == pattern.fullmatch
    assert type_test("anything")


def test_phone_sweep() -> None:
    """Every real-looking range in every written form, with seeded random digits."""
    rng = random.Random(20240501)
    accepted = 0
    for start, more in REAL_LOOKING:
        for _ in range(12):
            nsn = start + "".join(rng.choice("0123456789") for _ in range(more))
            for written in written_forms(nsn):
                accepted += check_phone(written)[0]
                compact = written.replace(" ", "")
                seps = rng.choices(PHONE_SEPARATORS, k=len(compact) - 1)
                respaced = "".join(map("".join, zip(seps, compact[1:], strict=True)))
                accepted += check_phone(compact[:1] + respaced)[0]
    assert accepted > 12_000


def test_phone_prefix_sweep() -> None:
    """Random digits after every prefix, at every length from 6 to 13."""
    rng = random.Random(7)
    for prefix in PHONE_PREFIXES:
        for length in range(6, 14):
            for _ in range(25):
                body = "".join(rng.choice("0123456789") for _ in range(length))
                check_phone(prefix + body)
                check_phone(prefix + " " + body[:4] + " " + body[4:])


# -- email addresses --------------------------------------------------------------------

ROLE_NAMES = ["info", "postmaster", "webmaster", "abuse", "noc", "www", "sales", "support"]
SPECIAL = ["test", "local", "localhost", "invalid", "onion", "arpa", "example"]
ATEXT = "abcxyzABCXYZ0189!#$%&'*+/=?^_`{|}~-"


@st.composite
def local_parts(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        name = draw(st.sampled_from(ROLE_NAMES))
        return "".join(c.upper() if draw(st.booleans()) else c for c in name)
    if kind == 1:
        return draw(st.sampled_from(['"jo bloggs"', '"jo"', '"a@b"', '""', '"a\\"b"']))
    if kind == 2:
        return draw(st.sampled_from(["josé", "用户", "ñ.n", "a\u0301", "\u200bjo", "ﬁ"]))
    if kind == 3:
        return draw(st.sampled_from(["a..b", ".a", "a.", "a b", "a<b", "a(b)", "a\\b"]))
    if kind == 4:
        return "x" * draw(st.sampled_from([63, 64, 65, 100]))
    atoms = st.text(ATEXT, min_size=1, max_size=10)
    return ".".join(draw(st.lists(atoms, min_size=1, max_size=3)))


@st.composite
def labels(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(
            st.sampled_from(["xn--bcher-kva", "XN--BCHER-KVA", "xn--abc", "xn--", "ab--cd"])
        )
    if kind == 1:
        return draw(st.sampled_from(["-a", "a-", "a-b", "1", "123", "a1", "1a", "_a", "a_b"]))
    if kind == 2:
        return draw(st.sampled_from(["x" * 63, "x" * 64, "Ab" * 31, "bücher", "例え"]))
    if kind == 3:
        return draw(st.sampled_from(SPECIAL))
    return draw(st.text("abcdefXYZ0129-", min_size=1, max_size=12))


@st.composite
def domains(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(
            st.sampled_from(
                ["[192.0.2.1]", "[IPv6:2001:db8::1]", "[300.1.1.1]", "example.com.", ".com"]
            )
        )
    if kind == 1:  # long domains, near the 253 and 254 limits
        label = draw(st.sampled_from(["y" * 63, "y" * 62, "y" * 50]))
        return ".".join([label] * draw(st.integers(3, 4))) + ".com"
    parts = draw(st.lists(labels(), min_size=1, max_size=4))
    tld = draw(st.sampled_from(["com", "CO", "uk", "org", "c0m", "123", "x1", "a", *SPECIAL]))
    return ".".join([*parts, tld] if draw(st.booleans()) else parts)


@st.composite
def tricky_emails(draw: st.DrawFn) -> str:
    return draw(local_parts()) + "@" + draw(domains())


SAMPLE_EMAILS = [
    "jo.bloggs@example.com",
    "Jo.Bloggs@Example.COM",
    "a$b@example.com",
    "POSTMASTER@Example.org",
    "Info@example.org",
    "infos@example.org",
    "jo@example.co.uk",
    "jo@sub.example.local",
    "jo@localhost",
    "jo@something.localhost",
    "jo@example.test",
    "jo@test.example",
    "jo@onion.example",
    "jo@example.invalid",
    "jo@1.2.3.4",
    "jo@example.c0m",
    "jo@example.123",
    "jo@ex--ample.com",
    "jo@xn--bcher-kva.example",
    "jo@XN--BCHER-KVA.example",
    "jo@xn--abc.com",
    "jo@bücher.example",
    "josé@example.com",
    '"jo bloggs"@example.com',
    '"jo"@example.com',
    "jo..bloggs@example.com",
    "jo@example..com",
    "jo@example.com.",
    "jo@-example.com",
    "jo@example-.com",
    "jo@[192.0.2.1]",
    "x" * 64 + "@example.com",
    "x" * 65 + "@example.com",
    "x@" + ".".join(["y" * 63] * 3) + ".com",
    "x" * 60 + "@" + ".".join(["y" * 63] * 3) + ".com",
    "jo@" + "y" * 64 + ".com",
]


@pytest.mark.parametrize("value", SAMPLE_EMAILS)
def test_email_samples(value: str) -> None:
    check_email(value)


def test_email_samples_cover_both_verdicts() -> None:
    verdicts = [check_email(value)[0] for value in SAMPLE_EMAILS]
    assert verdicts.count(True) >= 10
    assert verdicts.count(False) >= 20


@examples(1000)
@given(st.emails())
def test_email_generated(value: str) -> None:
    check_email(value)


@examples(1200)
@given(tricky_emails())
def test_email_tricky(value: str) -> None:
    check_email(value)


@examples(300)
@given(st.text(max_size=40))
def test_email_any_text(value: str) -> None:
    check_email(value)


def test_email_sweep() -> None:
    """Every hand-made local part at every hand-made domain."""
    locals_ = [
        "jo",
        "Jo.Bloggs",
        "a$b",
        "x" * 64,
        "x" * 65,
        "jo..b",
        '"jo b"',
        "josé",
        *ROLE_NAMES,
        "POSTMASTER",
        "Info",
    ]
    domain_labels = ["example", "EXAMPLE", "ex-ample", "ex--ample", "xn--bcher-kva", "1", "a"]
    tlds = ["com", "CO", "uk", "c0m", "123", *SPECIAL]
    domains_ = [f"{label}.{tld}" for label in domain_labels for tld in tlds]
    domains_ += [f"sub.{domain}" for domain in domains_] + ["[192.0.2.1]", "example.com."]
    accepted = sum(check_email(f"{local}@{domain}")[0] for local in locals_ for domain in domains_)
    assert accepted > 500


@pytest.fixture
def library_defaults() -> Iterator[None]:
    """Restore email-validator's module-level settings after a test changes them."""
    names = ("STRICT", "TEST_ENVIRONMENT", "GLOBALLY_DELIVERABLE")
    saved = {
        name: getattr(email_validator, name) for name in names if hasattr(email_validator, name)
    }
    special = list(email_validator.SPECIAL_USE_DOMAIN_NAMES)
    yield
    for name, value in saved.items():
        setattr(email_validator, name, value)
    email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = special


MODULE_SETTINGS = ["STRICT", "TEST_ENVIRONMENT", "GLOBALLY_DELIVERABLE"]


def change_library_setting(change: str) -> None:
    """Toggle a module setting of email-validator, or ``add``/``remove`` a special-use
    name (``add a non-str`` adds ``None``)."""
    names = email_validator.SPECIAL_USE_DOMAIN_NAMES
    verb, _, name = change.partition(" ")
    if verb == "add":
        names.append(None if name == "a non-str" else name)
    elif verb == "remove":
        names.remove(name)
    elif hasattr(email_validator, change):
        setattr(email_validator, change, not getattr(email_validator, change))
    else:
        pytest.skip(f"email-validator {email_validator.__version__} has no {change}")


@pytest.mark.usefixtures("library_defaults")
@pytest.mark.parametrize("change", [*MODULE_SETTINGS, "remove test", "add example"])
def test_email_follows_library_settings(change: str) -> None:
    change_library_setting(change)
    for value in [*SAMPLE_EMAILS, "jo@sub.example", "jo@example", "jo@host.example.com"]:
        check_email(value, fast_expected=change.startswith(("remove", "add")))


# -- addresses the handover validator's JSON fast path keeps as written ------------------

kept_addresses = st.from_regex(KEPT_EMAIL_PATTERN, fullmatch=True).filter(
    lambda value: len(value) <= MAX_EMAIL_LENGTH
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(kept_addresses)
@example("alex.example0@mail.example.co.uk")
@example("a" * 63 + "@" + ".".join(["b" * 61, "c" * 61, "d" * 59]) + ".london")  # 254
def test_kept_addresses_are_valid_and_unchanged(value: str) -> None:
    """What the JSON fast path accepts as written, email-validator (with the shipped
    settings) accepts and returns unchanged."""
    assert _email_fast.kept_as_written()
    assert _EMAIL_RE.fullmatch(value)
    assert library_email(value) == value
    assert normalise_email(value) == value


@pytest.mark.usefixtures("library_defaults")
@pytest.mark.parametrize(
    "change", [*MODULE_SETTINGS, "add com", "add example.com", "add a non-str", "remove test"]
)
def test_kept_as_written_follows_library_settings(change: str) -> None:
    assert _email_fast.kept_as_written()
    change_library_setting(change)
    # (removing a special-use name takes nothing away from the kept addresses)
    assert _email_fast.kept_as_written() is (change == "remove test")


# -- the fast paths are in use, and load lazily ----------------------------------------


def test_fast_paths_active_for_installed_libraries() -> None:
    """If this fails after an upgrade, re-check the fast paths against the new version."""
    assert _phone_fast.fast_uk_phone("0191 498 0123") == "+441914980123"
    assert _email_fast.fast_email("Jo@Example.COM") == "Jo@example.com"


def test_fast_paths_load_libraries_on_first_use() -> None:
    code = (
        "import sys, json; import fostering_hub.models._phone_fast, "
        "fostering_hub.models._email_fast; print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert loaded.isdisjoint({"phonenumbers", "email_validator", "idna"})
