"""A CRM integration, end to end: map the CRM's own enquiry record into fostering-hub's
models, allocate it to a member LA with the hub's policy, and export a handover payload.

Run it:  python examples/crm_integration.py [path/to/hub.toml]

Everything here uses synthetic data (Ofcom drama phone numbers, example.com addresses).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from fostering_hub.allocation import Allocator
from fostering_hub.config import load_config
from fostering_hub.models import Enquiry, Handover, Journey
from fostering_hub.validation import validate_handover

# What a CRM might hold: its own field names, its own codes, UK-local times without offsets.
CRM_RECORD: dict[str, Any] = {
    "Id": "CRM-000417",
    "CreatedOn": "2024-10-27 01:30",  # the repeated hour when BST ends: read as BST
    "Origin": "Website",
    "HeardAbout": "Local radio",
    "Contact1": {
        "Forename": "Robin",
        "Surname": "Example",
        "DOB": "1984-02-29",
        "Mobile": "0191 498 0417",
        "Email": "Robin.Example@Example.COM",
        "Street": "17 Example Road",
        "Town": "Sunderland",
        "Postcode": "sr2 7xy",
    },
    "WantsToFosterFor": None,  # doesn't know: the allocation policy decides
    "CouncilTaxAuthority": "394",  # a DfE number, not a GSS code
    "Interests": ["Short breaks", "Long term"],
    "CallMeBackAt": "2024-10-28 18:00",
    "PrivacyNoticeVersion": "2024-03",
}

CHANNELS = {"Website": "web", "Phone": "phone", "Email": "email", "Event": "event"}
INTERESTS = {"Short breaks": "short_breaks", "Long term": "long_term", "Emergency": "emergency"}


def to_enquiry(record: dict[str, Any], gss_for: dict[str, str]) -> Enquiry:
    """The CRM record as an :class:`Enquiry` (validation errors never show its values)."""
    person = record["Contact1"]
    received = record["CreatedOn"]
    return Enquiry.model_validate(
        {
            "enquiry_id": record["Id"],
            "received_at": received,
            "channel": CHANNELS.get(record["Origin"], "other"),
            "source": record["HeardAbout"],
            "applicants": [
                {
                    "first_name": person["Forename"],
                    "last_name": person["Surname"],
                    "date_of_birth": person["DOB"],
                    "phone": person["Mobile"],
                    "email": person["Email"],
                    "address": {
                        "line1": person["Street"],
                        "town": person["Town"],
                        "postcode": person["Postcode"],
                    },
                    "preferred_contact_method": "phone",
                }
            ],
            "preferred_la": record["WantsToFosterFor"],
            "council_tax_la": gss_for.get(record["CouncilTaxAuthority"]),
            "interests": [INTERESTS[i] for i in record["Interests"]],
            "callback_requested_for": record["CallMeBackAt"],
            "consents": [
                {
                    "purpose": "contact_about_enquiry",
                    "lawful_basis": "public_task",
                    "policy_version": record["PrivacyNoticeVersion"],
                    "given_at": received,
                    "means": "web_form",
                },
                {
                    "purpose": "share_with_la",
                    "lawful_basis": "public_task",
                    "policy_version": record["PrivacyNoticeVersion"],
                    "given_at": received,
                    "means": "web_form",
                },
            ],
        }
    )


def main(config_path: str | None = None) -> int:
    config = load_config(config_path)
    cluster = config.cluster
    # The CRM stores DfE numbers; the models use GSS codes.
    gss_for = {la.dfe_number: la.gss_code for la in cluster.members}

    enquiry = to_enquiry(CRM_RECORD, gss_for)
    print(f"enquiry {enquiry.enquiry_id}: received {enquiry.received_at.isoformat()}")

    decision = Allocator.from_config(config).allocate(enquiry)
    if decision.local_authority is None:
        print("unallocated:", "; ".join(decision.reasons))
        return 1
    la = cluster.member(decision.local_authority)
    print(f"allocated to {la.name if la else decision.local_authority} by {decision.policy}")

    # The journey so far, as the CRM's activity log would record it.
    journey = (
        Journey.start(enquiry, local_authority=decision.local_authority)
        .advance("first_contact", "2024-10-28 18:05")
        .advance("initial_visit", "2024-11-06 10:00")
        .advance("eoi", "2024-11-20 14:00")
        .advance("handed_over", "2024-11-27 11:00")
    )
    handover = Handover.model_validate(
        {
            "schema_version": "1.0",
            "handover_id": f"HO-{enquiry.enquiry_id}",
            "hub_id": config.hub.id,
            "enquiry_id": enquiry.enquiry_id,
            "handed_over_at": journey.reached(journey.stage),
            "receiving_la": decision.local_authority,
            "allocation": decision.to_record().model_dump(),
            "channel": enquiry.channel,
            "source": enquiry.source,
            "joint_application": False,
            "applicants": [a.model_dump() for a in enquiry.applicants],
            "interests": enquiry.interests,
            "consents": [c.model_dump() for c in enquiry.consents],
            "journey": [e.model_dump() for e in journey.events],
            "first_conversation_summary": "Keen on short breaks; visit booked for 6 November.",
            "initial_visit_outcome": "proceed",
            "buddy_assigned": True,
            "buddy_reference": "BUDDY-03",
        }
    )
    report = validate_handover(
        handover.model_dump_json(), config=config, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    print(f"handover valid: {report.valid}")
    for outcome in report.not_checked:
        print(f"  not checked {outcome.code}: {outcome.why}")
    out = Path("demo-output")
    out.mkdir(exist_ok=True)
    target = out / "crm-handover.json"
    target.write_text(handover.model_dump_json(indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
