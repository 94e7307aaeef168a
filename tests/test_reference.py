"""Built-in reference data: the 12 North East LAs."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from fostering_hub.models import NORTH_EAST, Cluster, LocalAuthority

EXPECTED = {
    "E06000001": ("805", "Hartlepool"),
    "E06000002": ("806", "Middlesbrough"),
    "E06000003": ("807", "Redcar and Cleveland"),
    "E06000004": ("808", "Stockton-on-Tees"),
    "E06000005": ("841", "Darlington"),
    "E06000047": ("840", "County Durham"),
    "E06000057": ("929", "Northumberland"),
    "E08000037": ("390", "Gateshead"),
    "E08000021": ("391", "Newcastle upon Tyne"),
    "E08000022": ("392", "North Tyneside"),
    "E08000023": ("393", "South Tyneside"),
    "E08000024": ("394", "Sunderland"),
}


def test_codes_and_numbers() -> None:
    assert {la.gss_code: (la.dfe_number, la.name) for la in NORTH_EAST} == EXPECTED


@pytest.mark.parametrize("code", ["E08000020", "E08000037", "390", " e08000037 "])
def test_gateshead_by_any_code(code: str) -> None:
    assert NORTH_EAST[code].name == "Gateshead"


def test_former_codes_have_effective_dates() -> None:
    assert NORTH_EAST.current_code("E06000048") == "E06000057"
    assert NORTH_EAST.current_code("E08000020", on=dt.date(2013, 3, 31)) == "E08000020"
    assert NORTH_EAST.current_code("E08000020", on=dt.date(2013, 4, 1)) == "E08000037"
    assert NORTH_EAST.current_code("E09000001") is None
    with pytest.raises(KeyError):
        NORTH_EAST["E09000001"]


def test_cluster_needs_two_unique_members_and_a_member_host() -> None:
    sunderland, gateshead = NORTH_EAST["394"], NORTH_EAST["390"]
    cluster = Cluster(
        cluster_id="ne", brand_name="NE", members=(sunderland, gateshead), host_la="E08000024"
    )
    assert cluster.member_codes == {"E08000024", "E08000037"}
    with pytest.raises(ValidationError) as caught:
        Cluster(cluster_id="ne", brand_name="NE", members=(sunderland,), host_la="E08000024")
    assert caught.value.errors()[0]["type"] == "too_short"
    with pytest.raises(ValidationError) as caught:
        Cluster(
            cluster_id="ne",
            brand_name="NE",
            members=(sunderland, sunderland),
            host_la="E06000001",
        )
    assert {e["type"] for e in caught.value.errors()} == {
        "fh_duplicate_member",
        "fh_host_not_member",
    }


def test_local_authority_offer_and_contact() -> None:
    la = LocalAuthority.model_validate(
        {
            "gss_code": "E08000024",
            "dfe_number": "394",
            "name": "Sunderland",
            "duty_contact": {"team": "Duty", "phone": "0191 498 0500"},
            "offer": {"fees": "Level 1-3", "url": "https://www.example.org/fostering"},
        }
    )
    assert la.duty_contact is not None
    assert la.duty_contact.phone == "+441914980500"
