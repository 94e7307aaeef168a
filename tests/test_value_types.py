"""UK value types: postcode, phone, email, GSS code, DfE number, timestamps."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from fostering_hub.models import (
    DfENumber,
    EmailAddress,
    GSSCode,
    IsoDate,
    Postcode,
    Timestamp,
    UKPhoneNumber,
    normalise_postcode,
    postcode_district,
    postcode_sector,
)

POSTCODE = TypeAdapter(Postcode)
PHONE = TypeAdapter(UKPhoneNumber)
EMAIL = TypeAdapter(EmailAddress)
GSS = TypeAdapter(GSSCode)
DFE = TypeAdapter(DfENumber)
STAMP = TypeAdapter(Timestamp)
DATE = TypeAdapter(IsoDate)


def error_type(adapter: TypeAdapter[object], value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    return str(caught.value.errors()[0]["type"])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sr13aa", "SR1 3AA"),
        ("SR1 3AA", "SR1 3AA"),
        ("ne1 4st", "NE1 4ST"),
        ("EC1A1BB", "EC1A 1BB"),
        ("w1a 0ax", "W1A 0AX"),
        ("gir0aa", "GIR 0AA"),
        ("DH11AA", "DH1 1AA"),
    ],
)
def test_postcode_normalised(given: str, expected: str) -> None:
    assert POSTCODE.validate_python(given) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "SR1", "SR1  3AA", " SR1 3AA", "SR1 3AA ", "1SR 3AA", "SR13A", "SR1-3AA", "\uff33R1 3AA"],
)
def test_postcode_rejected(bad: str) -> None:
    assert error_type(POSTCODE, bad) == "fh_postcode"


def test_postcode_parts() -> None:
    assert postcode_sector("sr13aa") == "SR1 3"
    assert postcode_district("EC1A 1BB") == "EC1A"
    assert normalise_postcode("gir 0aa") == "GIR 0AA"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0191 498 0123", "+441914980123"),
        ("+44 191 498 0123", "+441914980123"),
        ("0044 191 498 0123", "+441914980123"),
        ("+44 (0)191 498 0123", "+441914980123"),
        ("020 7946 0958", "+442079460958"),
        ("0800 123 4567", "+448001234567"),
        ("01134960123", "+441134960123"),
    ],
)
def test_phone_stored_e164(given: str, expected: str) -> None:
    assert PHONE.validate_python(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "07700 900123",  # Ofcom drama mobile range: not a valid number to phonenumbers
        "+1 202 555 0143",  # valid, but not UK
        "0191 498",  # too short
        "0800 FLOWERS",  # letters are refused before parsing
        "tel:+441914980123",
        "0191 498 0123 ext 4",
        "",
    ],
)
def test_phone_rejected(bad: str) -> None:
    assert error_type(PHONE, bad) == "fh_phone"


def test_email_normalised_and_checked() -> None:
    assert EMAIL.validate_python("Jo.Bloggs@Example.COM") == "Jo.Bloggs@example.com"
    for bad in ["a,b@example.com", '"q"@example.com', "x@localhost", "jo@münchen.de", "@x.com"]:
        assert error_type(EMAIL, bad) == "fh_email"


def test_gss_and_dfe() -> None:
    assert GSS.validate_python("E08000024") == "E08000024"
    for bad in ["E05000001", "W06000001", "E0800002", "e08000024", "E11000001"]:
        assert error_type(GSS, bad) == "fh_gss_code"
    assert DFE.validate_python("394") == "394"
    for bad in ["39", "3945", "abc"]:
        assert error_type(DFE, bad) == "fh_dfe_number"
    assert error_type(DFE, 394) == "string_type"


class TestTimestamps:
    def test_naive_summer_time_is_bst(self) -> None:
        value = STAMP.validate_python("2024-07-01T10:00")
        assert value.utcoffset() == dt.timedelta(hours=1)
        assert value == dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)

    def test_naive_winter_time_is_gmt(self) -> None:
        value = STAMP.validate_python("2024-12-25 10:00:00")
        assert value.utcoffset() == dt.timedelta(0)

    def test_offset_means_that_instant(self) -> None:
        value = STAMP.validate_python("2024-07-01T10:00:00Z")
        assert value == dt.datetime(2024, 7, 1, 10, 0, tzinfo=dt.UTC)

    def test_31_march_and_1_april_across_bst_start(self) -> None:
        # BST began at 01:00 GMT on Sunday 31 March 2024.
        before = STAMP.validate_python("2024-03-31T00:59:59")
        after = STAMP.validate_python("2024-03-31T02:00:00")
        assert after - before == dt.timedelta(seconds=1)
        april = STAMP.validate_python("2024-04-01T00:00")
        assert april.utcoffset() == dt.timedelta(hours=1)

    def test_skipped_hour_is_refused(self) -> None:
        assert error_type(STAMP, "2024-03-31T01:30") == "fh_nonexistent_local_time"

    def test_repeated_hour_reads_as_bst(self) -> None:
        value = STAMP.validate_python("2024-10-27T01:30")
        assert value.utcoffset() == dt.timedelta(hours=1)

    def test_python_naive_datetime(self) -> None:
        value = STAMP.validate_python(dt.datetime(2024, 1, 1, 9, 0))
        assert value.utcoffset() == dt.timedelta(0)

    @pytest.mark.parametrize(
        "bad", [1700000000, "2024-01-01", "yesterday", "2024-13-01T00:00", None]
    )
    def test_refused(self, bad: object) -> None:
        assert error_type(STAMP, bad) in {
            "datetime_type",
            "datetime_parsing",
            "datetime_from_date_parsing",
        }

    def test_json_numbers_are_not_times(self) -> None:
        with pytest.raises(ValidationError):
            STAMP.validate_json("1700000000")


def test_iso_date() -> None:
    assert DATE.validate_python("1985-06-30") == dt.date(1985, 6, 30)
    assert error_type(DATE, "30/06/1985") == "date_parsing"
    assert error_type(DATE, dt.datetime(2020, 1, 1)) == "date_type"
    assert error_type(DATE, 0) == "date_type"


@pytest.mark.parametrize(
    ("adapter", "value"),
    [
        (POSTCODE, "SR1 3AA\n"),
        (PHONE, "0191 498 0123\n"),
        (EMAIL, "jo@example.com\n"),
        (GSS, "E08000024\n"),
        (DFE, "394\n"),
        (STAMP, "2024-01-01T10:00\n"),
        (DATE, "2024-01-01\n"),
    ],
)
def test_trailing_newline_is_refused(adapter: TypeAdapter[object], value: str) -> None:
    # Python's "$" matches before a final newline; the validators must not.
    with pytest.raises(ValidationError):
        adapter.validate_python(value)


def test_email_with_dollar_in_local_part() -> None:
    assert EMAIL.validate_python("a$b@example.com") == "a$b@example.com"
