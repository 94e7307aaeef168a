"""Handover payloads for a synthetic year, and deliberately broken copies of one.

The payload carries what the hub knows at handover: the enquiry's people, interests and
consents, the allocation decision and the journey up to the handover. Free text is
chosen from stock phrases that name nobody.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..models import Handover, Stage

if TYPE_CHECKING:
    from ..allocation import AllocationDecision
    from ..models import Enquiry, Journey

#: Stock first-conversation summaries (no names, no places).
_SUMMARIES = (
    "Interested in short-term fostering; spare room ready; wants to meet the LA team.",
    "Keen on short breaks alongside work; asked about allowances and training.",
    "Long-term fostering considered for some years; family supportive.",
    "Asked about fostering sibling groups; has two spare bedrooms.",
    "Wants to know more about parent and child placements; has childcare experience.",
    "Attended an information event; questions about the assessment answered.",
)
_BUDDIES = tuple(f"BUDDY-{n:02d}" for n in range(1, 13))


def handover_payload(
    enquiry: Enquiry,
    journey: Journey,
    decision: AllocationDecision,
    hub_id: str,
    rng: random.Random,
) -> Handover | None:
    """The handover of a household handed over to the LA its allocation decided; ``None``
    if the journey has no handover or the allocation decided no LA."""
    handed_over_at = journey.reached(Stage.HANDED_OVER)
    if handed_over_at is None or decision.local_authority is None:
        return None
    events = []
    for event in journey.events:
        events.append(event.model_dump())
        if event.stage is Stage.HANDED_OVER:
            break
    # The consents as they stood at the handover.
    consents = [
        {**c.model_dump(), "withdrawn_at": None}
        if c.withdrawn_at is not None and c.withdrawn_at > handed_over_at
        else c.model_dump()
        for c in enquiry.consents
        if c.given_at <= handed_over_at
    ]
    buddy = rng.random() < 0.6
    return Handover.model_validate(
        {
            "schema_version": "1.0",
            "handover_id": f"HO-{enquiry.enquiry_id}",
            "hub_id": hub_id,
            "enquiry_id": enquiry.enquiry_id,
            "handed_over_at": handed_over_at,
            "receiving_la": decision.local_authority,
            "allocation": decision.to_record().model_dump(),
            "channel": enquiry.channel,
            "source": enquiry.source,
            "joint_application": len(enquiry.applicants) == 2,
            "applicants": [a.model_dump() for a in enquiry.applicants],
            "household": [m.model_dump() for m in enquiry.household],
            "interests": enquiry.interests,
            "consents": consents,
            "journey": events,
            "first_conversation_summary": rng.choice(_SUMMARIES),
            "initial_visit_outcome": (
                "proceed" if journey.reached(Stage.INITIAL_VISIT) is not None else None
            ),
            "buddy_assigned": buddy,
            "buddy_reference": rng.choice(_BUDDIES) if buddy else None,
        }
    )


def _outside_the_cluster(payload: dict[str, Any]) -> None:
    payload["receiving_la"] = "E09000033"  # Westminster: not a North East LA


def _no_sharing_consent(payload: dict[str, Any]) -> None:
    payload["consents"] = [c for c in payload["consents"] if c["purpose"] != "share_with_la"]


def _applicant_under_18(payload: dict[str, Any]) -> None:
    enquired = str(payload["journey"][0]["at"])[:10]
    year, rest = int(enquired[:4]), enquired[4:].replace("-02-29", "-02-28")
    payload["applicants"][0]["date_of_birth"] = f"{year - 17}{rest}"


def _impossible_date(payload: dict[str, Any]) -> None:
    payload["handed_over_at"] = "2025-02-30T10:00:00+00:00"


def _no_summary(payload: dict[str, Any]) -> None:
    del payload["first_conversation_summary"]


#: The broken copies: what each breaks, and how.
BREAKAGES: Sequence[tuple[str, Callable[[dict[str, Any]], None]]] = (
    ("handed to an LA outside the cluster", _outside_the_cluster),
    ("no consent record for sharing with the LA", _no_sharing_consent),
    ("first applicant 17 on the enquiry date", _applicant_under_18),
    ("handover date 30 February", _impossible_date),
    ("first-conversation summary missing (the hub's profile requires it)", _no_summary),
)


def broken_copies(handover: Handover) -> list[tuple[str, dict[str, Any]]]:
    """Copies of ``handover`` as JSON-ready dicts, each broken one way (see
    :data:`BREAKAGES`), with a description of the breakage."""
    copies = []
    for description, breakage in BREAKAGES:
        payload = handover.model_dump(mode="json")
        breakage(payload)
        copies.append((description, payload))
    return copies
