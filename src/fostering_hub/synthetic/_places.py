"""Where synthetic households live: postcode districts, post towns and LA weights.

The districts of each member LA come from the hub's postcode lookup (the one its
``postcode`` allocation policy reads; ``builtin:north-east-sample`` by default), so every
synthetic household's postcode is one the hub's own allocation resolves to its LA.

APPROXIMATE SYNTHETIC DATA. The post towns and population weights below are plausible
for each North East LA; the full postcodes built from the districts are random, so most
do not exist. Postcode-to-LA for real households needs the ONS Postcode Directory
(shared/domain.md).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from ..models import NORTH_EAST

if TYPE_CHECKING:
    from ..allocation import PostcodeLookup

#: APPROXIMATE SYNTHETIC DATA: the post town of each North East postcode district in the
#: built-in sample lookup (``builtin:north-east-sample``), for synthetic addresses. Which
#: districts an LA's households live in comes from the hub's postcode lookup, not from here.
NE_POST_TOWNS: Mapping[str, str] = MappingProxyType(
    {
        "DH1": "Durham",
        "DH6": "Durham",
        "DH7": "Durham",
        "DH8": "Consett",
        "DH9": "Stanley",
        "DL1": "Darlington",
        "DL2": "Darlington",
        "DL3": "Darlington",
        "DL4": "Shildon",
        "DL5": "Newton Aycliffe",
        "DL12": "Barnard Castle",
        "DL13": "Bishop Auckland",
        "DL14": "Bishop Auckland",
        "DL15": "Crook",
        "DL16": "Spennymoor",
        "DL17": "Ferryhill",
        "NE1": "Newcastle upon Tyne",
        "NE2": "Newcastle upon Tyne",
        "NE3": "Newcastle upon Tyne",
        "NE4": "Newcastle upon Tyne",
        "NE5": "Newcastle upon Tyne",
        "NE6": "Newcastle upon Tyne",
        "NE7": "Newcastle upon Tyne",
        "NE8": "Gateshead",
        "NE9": "Gateshead",
        "NE10": "Gateshead",
        "NE11": "Gateshead",
        "NE15": "Newcastle upon Tyne",
        "NE25": "Whitley Bay",
        "NE26": "Whitley Bay",
        "NE27": "Newcastle upon Tyne",
        "NE28": "Wallsend",
        "NE29": "North Shields",
        "NE30": "North Shields",
        "NE31": "Hebburn",
        "NE32": "Jarrow",
        "NE33": "South Shields",
        "NE34": "South Shields",
        "NE35": "Boldon Colliery",
        "NE36": "East Boldon",
        "NE46": "Hexham",
        "NE47": "Hexham",
        "NE48": "Hexham",
        "NE49": "Haltwhistle",
        "NE61": "Morpeth",
        "NE62": "Choppington",
        "NE63": "Ashington",
        "NE64": "Newbiggin-by-the-Sea",
        "NE65": "Morpeth",
        "NE66": "Alnwick",
        "NE67": "Chathill",
        "NE68": "Seahouses",
        "NE69": "Bamburgh",
        "NE70": "Belford",
        "NE71": "Wooler",
        "SR1": "Sunderland",
        "SR2": "Sunderland",
        "SR3": "Sunderland",
        "SR4": "Sunderland",
        "SR5": "Sunderland",
        "SR6": "Sunderland",
        "TS1": "Middlesbrough",
        "TS2": "Middlesbrough",
        "TS3": "Middlesbrough",
        "TS4": "Middlesbrough",
        "TS5": "Middlesbrough",
        "TS6": "Middlesbrough",
        "TS7": "Middlesbrough",
        "TS8": "Middlesbrough",
        "TS10": "Redcar",
        "TS11": "Redcar",
        "TS12": "Saltburn-by-the-Sea",
        "TS13": "Saltburn-by-the-Sea",
        "TS14": "Guisborough",
        "TS16": "Yarm",
        "TS17": "Stockton-on-Tees",
        "TS18": "Stockton-on-Tees",
        "TS19": "Stockton-on-Tees",
        "TS20": "Stockton-on-Tees",
        "TS21": "Stockton-on-Tees",
        "TS24": "Hartlepool",
        "TS25": "Hartlepool",
        "TS26": "Hartlepool",
        "TS27": "Hartlepool",
    }
)

#: APPROXIMATE: usual residents, ONS Census 2021, rounded to thousands. Used only to
#: weight where synthetic households live.
NE_POPULATION_THOUSANDS: Mapping[str, int] = MappingProxyType(
    {
        "E06000001": 92,
        "E06000002": 144,
        "E06000003": 137,
        "E06000004": 197,
        "E06000005": 108,
        "E06000047": 522,
        "E06000057": 321,
        "E08000037": 196,
        "E08000021": 300,
        "E08000022": 209,
        "E08000023": 148,
        "E08000024": 274,
    }
)

#: Weight for a member LA outside the table (a typical English unitary authority).
DEFAULT_POPULATION_THOUSANDS = 200

#: Royal Mail never uses C, I, K, M, O or V in the unit letters of an inward code.
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@attrs.frozen
class Place:
    """A member LA as a place synthetic households live in."""

    gss_code: str
    name: str
    districts: tuple[tuple[str, str], ...]
    weight: float
    north_east: bool


def lookup_districts(lookup: PostcodeLookup) -> dict[str, tuple[str, ...]]:
    """Each LA's postcode districts in ``lookup``: those whose postcodes it may lie in.

    A district shared by two LAs (TS6, say) is listed under both, as the lookup gives
    both as candidates.
    """
    found: dict[str, list[str]] = {}
    for prefix in lookup.prefixes:
        if " " in prefix or prefix.isalpha():
            continue  # sectors and areas: districts are enough for synthetic addresses
        match = lookup.for_prefix(prefix)
        for candidate in match.candidates if match is not None else ():
            found.setdefault(candidate.gss_code, []).append(prefix)
    return {
        code: tuple(sorted(districts, key=_district_order)) for code, districts in found.items()
    }


def _district_order(district: str) -> tuple[str, int]:
    digits = district.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    number = "".join(c for c in digits if c.isdigit())
    return district[: len(district) - len(digits)], int(number or 0)


def member_places(
    members: Sequence[tuple[str, str]], districts: Mapping[str, tuple[str, ...]]
) -> tuple[Place, ...]:
    """One :class:`Place` per ``(gss_code, name)`` member, in the order given.

    ``districts`` maps GSS codes to postcode districts (see :func:`lookup_districts`).
    A member with none there gets one generic, clearly fictitious district (``ZZ1``,
    ``ZZ2``, ...: ZZ is not a UK postcode area).
    """
    places = []
    for index, (code, name) in enumerate(members):
        known = NORTH_EAST.get(code)
        current = known.gss_code if known is not None else code
        mine = districts.get(code) or districts.get(current) or ()
        towns = tuple((d, NE_POST_TOWNS.get(d, name[:100])) for d in mine)
        if not towns:
            towns = ((f"ZZ{index % 99 + 1}", name[:100]),)
        places.append(
            Place(
                gss_code=code,
                name=name,
                districts=towns,
                weight=float(NE_POPULATION_THOUSANDS.get(current, DEFAULT_POPULATION_THOUSANDS)),
                north_east=current in NE_POPULATION_THOUSANDS,
            )
        )
    return tuple(places)


def random_postcode(rng: random.Random, district: str) -> str:
    """A postcode in ``district`` with a random sector digit and unit letters."""
    letters = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
    return f"{district} {rng.randrange(10)}{letters}"
