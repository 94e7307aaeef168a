"""Where synthetic households live: postcode districts, post towns and LA weights.

APPROXIMATE SYNTHETIC DATA. The districts below are plausible for each North East LA
but are not a lookup: outward codes straddle LA boundaries (TS6 is split between
Middlesbrough and Redcar and Cleveland, for instance) and the full postcodes built from
them are random, so most do not exist. Never use this table to allocate real households;
postcode-to-LA needs the ONS Postcode Directory (shared/domain.md).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from ..models import NORTH_EAST


def _districts(area: str, numbers: Sequence[int], town: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{area}{n}", town) for n in numbers)


#: APPROXIMATE SYNTHETIC DATA: postcode districts (outward codes) and post towns for each
#: North East LA, keyed by current GSS code. Plausible, not authoritative.
NE_POSTCODE_DISTRICTS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        # Hartlepool
        "E06000001": _districts("TS", range(24, 28), "Hartlepool"),
        # Middlesbrough
        "E06000002": _districts("TS", range(1, 9), "Middlesbrough"),
        # Redcar and Cleveland
        "E06000003": (
            ("TS6", "Middlesbrough"),
            ("TS10", "Redcar"),
            ("TS11", "Redcar"),
            ("TS12", "Saltburn-by-the-Sea"),
            ("TS13", "Saltburn-by-the-Sea"),
            ("TS14", "Guisborough"),
        ),
        # Stockton-on-Tees
        "E06000004": (
            ("TS16", "Yarm"),
            ("TS17", "Stockton-on-Tees"),
            ("TS18", "Stockton-on-Tees"),
            ("TS19", "Stockton-on-Tees"),
            ("TS20", "Stockton-on-Tees"),
            ("TS21", "Stockton-on-Tees"),
        ),
        # Darlington
        "E06000005": _districts("DL", range(1, 4), "Darlington"),
        # County Durham
        "E06000047": (
            ("DH1", "Durham"),
            ("DH6", "Durham"),
            ("DH7", "Durham"),
            ("DH8", "Consett"),
            ("DH9", "Stanley"),
            ("DL4", "Shildon"),
            ("DL5", "Newton Aycliffe"),
            ("DL12", "Barnard Castle"),
            ("DL13", "Bishop Auckland"),
            ("DL14", "Bishop Auckland"),
            ("DL15", "Crook"),
            ("DL16", "Spennymoor"),
            ("DL17", "Ferryhill"),
        ),
        # Northumberland
        "E06000057": (
            ("NE61", "Morpeth"),
            ("NE62", "Choppington"),
            ("NE63", "Ashington"),
            ("NE64", "Newbiggin-by-the-Sea"),
            ("NE65", "Morpeth"),
            ("NE66", "Alnwick"),
            ("NE67", "Chathill"),
            ("NE68", "Seahouses"),
            ("NE69", "Bamburgh"),
            ("NE70", "Belford"),
            ("NE71", "Wooler"),
            ("NE46", "Hexham"),
            ("NE47", "Hexham"),
            ("NE48", "Hexham"),
            ("NE49", "Haltwhistle"),
        ),
        # Gateshead
        "E08000037": _districts("NE", range(8, 12), "Gateshead"),
        # Newcastle upon Tyne
        "E08000021": _districts("NE", (*range(1, 8), 15), "Newcastle upon Tyne"),
        # North Tyneside
        "E08000022": (
            ("NE25", "Whitley Bay"),
            ("NE26", "Whitley Bay"),
            ("NE27", "Newcastle upon Tyne"),
            ("NE28", "Wallsend"),
            ("NE29", "North Shields"),
            ("NE30", "North Shields"),
        ),
        # South Tyneside
        "E08000023": (
            ("NE31", "Hebburn"),
            ("NE32", "Jarrow"),
            ("NE33", "South Shields"),
            ("NE34", "South Shields"),
            ("NE35", "Boldon Colliery"),
            ("NE36", "East Boldon"),
        ),
        # Sunderland
        "E08000024": _districts("SR", range(1, 7), "Sunderland"),
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


def member_places(members: Sequence[tuple[str, str]]) -> tuple[Place, ...]:
    """One :class:`Place` per ``(gss_code, name)`` member, in the order given.

    Members outside the North East table get one generic, clearly fictitious district
    (``ZZ1``, ``ZZ2``, ...: ZZ is not a UK postcode area).
    """
    places = []
    for index, (code, name) in enumerate(members):
        known = NORTH_EAST.get(code)
        current = known.gss_code if known is not None else code
        districts = NE_POSTCODE_DISTRICTS.get(current)
        if districts is None:
            districts = ((f"ZZ{index % 99 + 1}", name[:100]),)
        places.append(
            Place(
                gss_code=code,
                name=name,
                districts=districts,
                weight=float(NE_POPULATION_THOUSANDS.get(current, DEFAULT_POPULATION_THOUSANDS)),
                north_east=current in NE_POSTCODE_DISTRICTS,
            )
        )
    return tuple(places)


def random_postcode(rng: random.Random, district: str) -> str:
    """A postcode in ``district`` with a random sector digit and unit letters."""
    letters = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
    return f"{district} {rng.randrange(10)}{letters}"
