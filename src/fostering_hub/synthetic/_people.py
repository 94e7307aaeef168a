"""Synthetic people: names (faker, en_GB), ages, addresses, phone numbers and emails.

Every contact detail is reserved for fiction: phone numbers come only from Ofcom's drama
ranges that ``phonenumbers`` accepts as valid, and email addresses only use the domains
reserved by RFC 2606 (example.com, example.org, example.net).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any, Protocol

from ..models import ContactMethod, Relationship
from ._places import Place, random_postcode

#: Ofcom drama numbers (national form, the last three digits are added): 0191 498 0xxx
#: for the North East, then other city ranges. 0115 496 0xxx and 07700 900xxx are Ofcom
#: drama ranges too, but ``phonenumbers`` rejects them as invalid, so they are not used.
NE_PHONE_PREFIX = "0191 498 0"
OTHER_PHONE_PREFIXES: tuple[str, ...] = (
    "0113 496 0",
    "0114 496 0",
    "0116 496 0",
    "0117 496 0",
    "0118 496 0",
    "0121 496 0",
    "0131 496 0",
    "0141 496 0",
    "0151 496 0",
    "0161 496 0",
    "020 7946 0",
)
#: Share of North East households given a 0191 498 number (chosen).
NE_PHONE_SHARE = 0.85

#: RFC 2606 reserved domains, with weights.
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")
_EMAIL_DOMAIN_CUM = (0.5, 0.8, 1.0)

#: Chosen: street names common in North East towns, plus "<surname> <suffix>" streets.
_STREETS: tuple[str, ...] = (
    "Front Street",
    "Station Road",
    "Church Street",
    "High Street",
    "Victoria Terrace",
    "Durham Road",
    "West View",
    "North Road",
    "Chester Road",
    "Coronation Street",
    "Park Avenue",
    "Queen Street",
)
_STREET_SUFFIXES: tuple[str, ...] = (
    "Road",
    "Street",
    "Avenue",
    "Close",
    "Terrace",
    "Crescent",
    "Gardens",
    "Lane",
    "Drive",
    "Way",
    "Grove",
    "Place",
)
_CONTACT_TIMES: tuple[str, ...] = (
    "weekday evenings after 6pm",
    "weekday mornings",
    "lunchtimes",
    "any time",
    "weekends",
    "after school pick-up",
)
_NOT_EMAIL = re.compile(r"[^a-z0-9]")


class Names(Protocol):
    """The part of a ``faker.Faker`` (en_GB) used here."""

    def first_name_female(self) -> str: ...  # pragma: no cover - protocol
    def first_name_male(self) -> str: ...  # pragma: no cover - protocol
    def last_name(self) -> str: ...  # pragma: no cover - protocol


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar date ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def date_of_birth(rng: random.Random, on: dt.date, age: int) -> dt.date:
    """A random date of birth for someone exactly ``age`` years old on ``on``."""
    latest = years_before(on, age)
    earliest = years_before(on, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def adult_age(rng: random.Random) -> int:
    """An applicant's age, 21 to 70, most often in their forties (chosen)."""
    return min(70, max(21, int(rng.triangular(21, 71, 43))))


def phone(rng: random.Random, place: Place) -> str:
    """A drama-range phone number, mostly 0191 498 0xxx for North East households."""
    if place.north_east and rng.random() < NE_PHONE_SHARE:
        prefix = NE_PHONE_PREFIX
    else:
        prefix = rng.choice(OTHER_PHONE_PREFIXES)
    return f"{prefix}{rng.randrange(1000):03d}"


def email(rng: random.Random, first: str, last: str) -> str:
    """An address at a reserved example domain built from the person's name."""
    local = f"{_NOT_EMAIL.sub('', first.lower())}.{_NOT_EMAIL.sub('', last.lower())}".strip(".")
    if not local:
        local = "enquirer"
    if rng.random() < 0.4:
        local += str(rng.randrange(1, 100))
    domain = rng.choices(EMAIL_DOMAINS, cum_weights=_EMAIL_DOMAIN_CUM)[0]
    return f"{local}@{domain}"


def address(rng: random.Random, fake: Names, place: Place) -> dict[str, Any]:
    """A synthetic address in ``place``: house (or flat), street, post town, postcode."""
    district, town = rng.choice(place.districts)
    if rng.random() < 0.3:
        street = rng.choice(_STREETS)
    else:
        street = f"{fake.last_name()} {rng.choice(_STREET_SUFFIXES)}"
    house = f"{rng.randrange(1, 200)} {street}"
    flat = rng.random() < 0.15
    return {
        "line1": f"Flat {rng.randrange(1, 30)}" if flat else house,
        "line2": house if flat else None,
        "town": town,
        "postcode": random_postcode(rng, district),
    }


def first_name(fake: Names, female: bool) -> str:
    """A first name (faker, en_GB)."""
    return str(fake.first_name_female() if female else fake.first_name_male())


def applicant(
    rng: random.Random,
    fake: Names,
    *,
    on: dt.date,
    age: int,
    female: bool,
    place: Place,
    home: dict[str, Any],
    last_name: str | None = None,
    needs_phone: bool = False,
    needs_email: bool = False,
    main: bool = True,
) -> dict[str, Any]:
    """One applicant's data (a dict for ``Applicant.model_validate``)."""
    first = first_name(fake, female)
    last = last_name or str(fake.last_name())
    has_phone = needs_phone or rng.random() < (0.95 if main else 0.6)
    has_email = needs_email or rng.random() < (0.85 if main else 0.6)
    if main and not (has_phone or has_email):
        has_phone = True
    methods = [ContactMethod.EMAIL] if has_email else []
    if has_phone:
        methods += [ContactMethod.PHONE, ContactMethod.PHONE, ContactMethod.TEXT]
    return {
        "first_name": first,
        "last_name": last,
        "date_of_birth": date_of_birth(rng, on, age) if rng.random() < 0.95 else None,
        "phone": phone(rng, place) if has_phone else None,
        "email": email(rng, first, last) if has_email else None,
        "address": home,
        "preferred_contact_method": rng.choice(methods) if methods else None,
        "preferred_contact_times": rng.choice(_CONTACT_TIMES) if rng.random() < 0.4 else None,
    }


def household(
    rng: random.Random, fake: Names, *, on: dt.date, main_age: int, joint: bool
) -> list[dict[str, Any]]:
    """Other members of the household (partner if not applying, children, others)."""
    members: list[dict[str, Any]] = []

    def member(relationship: Relationship, age: int, female: bool) -> None:
        members.append(
            {
                "first_name": first_name(fake, female) if rng.random() < 0.95 else None,
                "relationship": relationship,
                "date_of_birth": date_of_birth(rng, on, age) if rng.random() < 0.9 else None,
            }
        )

    if not joint and rng.random() < 0.35:
        partner_age = min(90, max(18, main_age + rng.randint(-6, 6)))
        member(Relationship.PARTNER, partner_age, rng.random() < 0.3)
    children = rng.choices((0, 1, 2, 3), weights=(45, 25, 20, 10))[0]
    oldest = min(30, main_age - 18)
    for _ in range(children):
        age = rng.randint(0, oldest)
        member(
            Relationship.CHILD if age < 18 else Relationship.ADULT_CHILD, age, rng.random() < 0.5
        )
    if rng.random() < 0.03:
        member(Relationship.PARENT, min(100, main_age + rng.randint(20, 35)), rng.random() < 0.6)
    if rng.random() < 0.01:
        member(Relationship.LODGER, adult_age(rng), rng.random() < 0.5)
    return members
