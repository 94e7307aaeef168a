"""Subject access: everything held about one person, as JSON and as a readable summary.

UK GDPR Art 15 and the ICO's right of access guidance: the person gets a copy of their
personal data, the purposes and lawful bases, who it was shared with, and how long it is
kept, within one calendar month (:func:`subject_access_deadline`).

Who the request is about is a :class:`Subject`: enquiry references the hub has already
tied to the person, and/or an email, a phone number, or first name, last name and date of
birth together (a name alone is too weak to match on). Every enquiry and handover naming
a matching applicant is gathered, with the journeys and consent records of the same
enquiries. Records that also hold other people's data (a second applicant, household
members, free-text notes) are listed in ``review_before_release`` (for the hub, not in the
export itself): the ICO expects the hub to consider third parties before release.

The export holds personal data by design: it is returned to the caller, never logged or
printed, and its ``repr`` shows counts only.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..models import (
    Applicant,
    ConsentPurpose,
    ConsentRecord,
    Enquiry,
    Handover,
    Journey,
    normalise_email,
    normalise_uk_phone,
    to_london,
)
from ..sla import WorkingCalendar
from ._deadline import SubjectAccessDeadline, subject_access_deadline

EXPORT_FORMAT = "fostering-hub/subject-access/1"
"""The ``format`` tag of a subject-access export (changes if the layout does)."""

PURPOSE_WORDS: dict[ConsentPurpose, str] = {
    ConsentPurpose.CONTACT_ABOUT_ENQUIRY: "contacting you about your enquiry",
    ConsentPurpose.KEEP_IN_TOUCH: "keeping in touch while you are not ready",
    ConsentPurpose.SHARE_WITH_LA: "sharing your details with the local authority",
    ConsentPurpose.BUDDY_CONTACT: "putting you in touch with a foster carer buddy",
    ConsentPurpose.MARKETING: "news and events",
    ConsentPurpose.RESEARCH: "research and feedback",
}
"""How the readable summary names each purpose."""


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_email(value).casefold()
    except ValueError:
        raise ValueError("email is not a valid address") from None


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_uk_phone(value)
    except ValueError:
        raise ValueError("phone is not a UK phone number") from None


def _name(value: str | None) -> str | None:
    return " ".join(value.split()).casefold() if value is not None else None


def _ids(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen(repr=False)
class Subject:
    """Who a subject access request is about (``repr`` never shows the values)."""

    enquiry_ids: frozenset[str] = attrs.field(default=frozenset(), converter=_ids)
    email: str | None = attrs.field(default=None, converter=_email)
    phone: str | None = attrs.field(default=None, converter=_phone)
    first_name: str | None = attrs.field(default=None, converter=_name)
    last_name: str | None = attrs.field(default=None, converter=_name)
    date_of_birth: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        named = (self.first_name, self.last_name, self.date_of_birth)
        if any(v is not None for v in named) and not all(v is not None for v in named):
            raise ValueError("match by name needs first_name, last_name and date_of_birth")
        if not (self.enquiry_ids or self.email or self.phone or self.first_name):
            raise ValueError("a subject needs enquiry ids, an email, a phone or a name")

    def matches(self, applicant: Applicant) -> bool:
        """True if ``applicant`` is this person (by email, phone, or name and birth date)."""
        email = applicant.email
        if self.email is not None and email is not None and email.casefold() == self.email:
            return True
        if self.phone is not None and applicant.phone == self.phone:
            return True
        return (
            self.first_name is not None
            and _name(applicant.first_name) == self.first_name
            and _name(applicant.last_name) == self.last_name
            and applicant.date_of_birth == self.date_of_birth
        )

    def __repr__(self) -> str:
        return "Subject(<personal data>)"


@attrs.frozen(repr=False)
class SubjectAccessExport:
    """Everything held about one person, and when it must be sent."""

    deadline: SubjectAccessDeadline
    enquiries: tuple[Enquiry, ...] = ()
    handovers: tuple[Handover, ...] = ()
    journeys: tuple[Journey, ...] = ()
    consents: tuple[tuple[str, str, ConsentRecord], ...] = ()
    """``(enquiry_id, where held, record)`` for every consent record."""
    review_before_release: tuple[str, ...] = ()
    hub_name: str | None = None

    def __repr__(self) -> str:
        return (
            f"SubjectAccessExport(due={self.deadline.final_due.isoformat()}, "
            f"enquiries={len(self.enquiries)}, handovers={len(self.handovers)}, "
            f"journeys={len(self.journeys)}, consents={len(self.consents)})"
        )

    @property
    def enquiry_ids(self) -> tuple[str, ...]:
        """Every enquiry reference found, sorted."""
        found = {e.enquiry_id for e in self.enquiries} | {h.enquiry_id for h in self.handovers}
        found |= {j.enquiry_id for j in self.journeys}
        return tuple(sorted(found))

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable export (JSON-ready)."""
        return {
            "format": EXPORT_FORMAT,
            "controller": self.hub_name,
            "request": self.deadline.as_dict(),
            "enquiry_ids": list(self.enquiry_ids),
            "enquiries": [e.model_dump(mode="json") for e in self.enquiries],
            "journeys": [j.model_dump(mode="json") for j in self.journeys],
            "handovers": [h.model_dump(mode="json") for h in self.handovers],
            "consents": [
                {"enquiry_id": enquiry_id, "held_in": where, **record.model_dump(mode="json")}
                for enquiry_id, where, record in self.consents
            ],
        }

    def to_json(self) -> str:
        """The export as JSON text."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def sections(self, *, for_hub: bool = False) -> list[tuple[str, list[str]]]:
        """The readable summary as ``(heading, lines)``: what :meth:`to_text` and
        :meth:`to_html` render. ``for_hub`` adds the hub's check-before-release notes."""
        return _sections(self, for_hub=for_hub)

    def to_text(self, *, for_hub: bool = False) -> str:
        """A plain-text summary for the person (``for_hub``: with the hub's notes)."""
        out: list[str] = []
        for heading, lines in self.sections(for_hub=for_hub):
            out += [heading, "=" * len(heading), *lines, ""]
        return "\n".join(out)

    def to_html(self, *, for_hub: bool = False) -> str:
        """The same summary as a small self-contained HTML page (every value escaped)."""
        body = []
        for heading, lines in self.sections(for_hub=for_hub):
            items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in lines)
            body.append(f"<h2>{html.escape(heading)}</h2>\n<ul>{items}</ul>")
        title = html.escape(f"Your personal data held by {self.hub_name or 'the hub'}")
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
            f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n"
            + "\n".join(body)
            + "\n</body>\n</html>\n"
        )


def subject_access(
    subject: Subject,
    *,
    received_at: dt.datetime,
    enquiries: Iterable[Enquiry] = (),
    handovers: Iterable[Handover] = (),
    journeys: Iterable[Journey] = (),
    consents: Mapping[str, Sequence[ConsentRecord]] | None = None,
    calendar: WorkingCalendar | None = None,
    complex: bool = False,
    hub_name: str | None = None,
) -> SubjectAccessExport:
    """Gather everything held about ``subject`` for a request received at ``received_at``.

    ``consents`` are consent records kept apart from the enquiries (e.g.
    :func:`read_consent_table`), by ``enquiry_id``. ``complex`` extends the deadline by two
    months (the person must be told within the first month).
    """
    received_at = to_london(received_at)
    deadline = subject_access_deadline(received_at, calendar, complex=complex)
    found_enquiries = [
        e for e in enquiries if e.enquiry_id in subject.enquiry_ids or _names_subject(subject, e)
    ]
    found_handovers = [
        h for h in handovers if h.enquiry_id in subject.enquiry_ids or _names_subject(subject, h)
    ]
    ids = set(subject.enquiry_ids)
    ids |= {e.enquiry_id for e in found_enquiries} | {h.enquiry_id for h in found_handovers}
    found_journeys = [j for j in journeys if j.enquiry_id in ids]

    held: list[tuple[str, str, ConsentRecord]] = []
    for enquiry in found_enquiries:
        held += [(enquiry.enquiry_id, "enquiry", c) for c in enquiry.consents]
    for handover in found_handovers:
        held += [(handover.enquiry_id, "handover", c) for c in handover.consents]
    for enquiry_id in sorted(ids):
        held += [(enquiry_id, "consent table", c) for c in (consents or {}).get(enquiry_id, ())]
    unique: dict[tuple[str, str], tuple[str, str, ConsentRecord]] = {}
    for enquiry_id, where, record in held:
        unique.setdefault((enquiry_id, record.model_dump_json()), (enquiry_id, where, record))

    review = [
        *(_third_parties(subject, "enquiry", e.enquiry_id, e) for e in found_enquiries),
        *(_third_parties(subject, "handover", h.handover_id, h) for h in found_handovers),
    ]
    return SubjectAccessExport(
        deadline=deadline,
        enquiries=tuple(found_enquiries),
        handovers=tuple(found_handovers),
        journeys=tuple(found_journeys),
        consents=tuple(unique.values()),
        review_before_release=tuple(note for note in review if note),
        hub_name=hub_name,
    )


def _names_subject(subject: Subject, record: Enquiry | Handover) -> bool:
    return any(subject.matches(applicant) for applicant in record.applicants)


def _third_parties(subject: Subject, kind: str, ref: str, record: Enquiry | Handover) -> str:
    others = sum(1 for a in record.applicants if not subject.matches(a))
    if others == len(record.applicants):
        others -= 1  # found by reference: one of them is the requester, which is unknown
    household = len(record.household)
    notes = [
        name
        for name in ("notes", "first_conversation_summary", "initial_visit_notes")
        if getattr(record, name, None)
    ]
    parts = []
    if others:
        parts.append(f"{others} other applicant(s)")
    if household:
        parts.append(f"{household} household member(s)")
    if notes:
        parts.append(f"free text ({', '.join(notes)}) that may name others")
    if not parts:
        return ""
    return (
        f"{kind} {ref}: {', '.join(parts)}: consider third-party data before release "
        "(ICO right of access guidance)"
    )


# --------------------------------------------------------------------------- summary


def _when(value: dt.datetime) -> str:
    local = WorkingCalendar.local(value)
    return f"{local.day} {local:%B %Y, %H:%M}"


def _day(value: dt.date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def _label(value: str) -> str:
    return value.replace("_", " ")


def _person(index: int, applicant: Applicant) -> list[str]:
    lines = [f"Applicant {index}: {applicant.first_name} {applicant.last_name}"]
    details = {
        "date of birth": applicant.date_of_birth.isoformat() if applicant.date_of_birth else None,
        "phone": applicant.phone,
        "email": applicant.email,
        "preferred contact": _label(applicant.preferred_contact_method.value)
        if applicant.preferred_contact_method
        else None,
        "contact times": applicant.preferred_contact_times,
    }
    if applicant.address is not None:
        address = applicant.address
        parts = [address.line1, address.line2, address.town, address.postcode]
        details["address"] = ", ".join(p for p in parts if p)
    lines += [f"  {name}: {value}" for name, value in details.items() if value]
    return lines


def _household(record: Enquiry | Handover) -> list[str]:
    lines = []
    for member in record.household:
        bits = [_label(member.relationship.value)]
        if member.first_name:
            bits.append(member.first_name)
        if member.date_of_birth:
            bits.append(f"born {member.date_of_birth.isoformat()}")
        lines.append(f"Household: {', '.join(bits)}")
    return lines


def _consent_line(enquiry_id: str, where: str, record: ConsentRecord, at: dt.datetime) -> str:
    if record.withdrawn_at is not None and record.withdrawn_at <= at:
        state = f"withdrawn {_when(record.withdrawn_at)}"
        if record.withdrawal_means is not None:
            state += f" by {_label(record.withdrawal_means.value)}"
    elif record.expires_at is not None and record.expires_at <= at:
        state = f"expired {_when(record.expires_at)}"
    else:
        state = "in force"
    return (
        f"{PURPOSE_WORDS[record.purpose]} ({_label(record.lawful_basis.value)}): given "
        f"{_when(record.given_at)} by {_label(record.means.value)}, wording "
        f"{record.policy_version}; {state} [enquiry {enquiry_id}, {where}]"
    )


def _sections(export: SubjectAccessExport, *, for_hub: bool) -> list[tuple[str, list[str]]]:
    deadline = export.deadline
    request = [
        f"Received: {_when(deadline.received_at)}",
        f"Respond by: {_day(deadline.due)} (one calendar month, ICO)",
    ]
    if deadline.extended_due is not None:
        request.append(
            f"Extended to: {_day(deadline.extended_due)} (complex request; the person must "
            f"be told by {_day(deadline.due)})"
        )
    sections = [("Your request", request)]
    for enquiry in export.enquiries:
        lines = [
            f"Received {_when(enquiry.received_at)} by {_label(enquiry.channel.value)}",
            *(line for i, a in enumerate(enquiry.applicants, 1) for line in _person(i, a)),
            *_household(enquiry),
        ]
        if enquiry.interests:
            lines.append("Interested in: " + ", ".join(_label(i.value) for i in enquiry.interests))
        for name in ("preferred_la", "council_tax_la", "source", "campaign"):
            value = getattr(enquiry, name)
            if value:
                lines.append(f"{_label(name)}: {value}")
        if enquiry.callback_requested_for is not None:
            lines.append(f"Call back requested for {_when(enquiry.callback_requested_for)}")
        if enquiry.notes:
            lines.append(f"Notes: {enquiry.notes}")
        sections.append((f"Enquiry {enquiry.enquiry_id}", lines))
    for journey in export.journeys:
        lines = []
        for event in journey.events:
            reason = f" (reason {event.reason.value})" if event.reason is not None else ""
            lines.append(f"{_label(event.stage.value)}: {_when(event.at)}{reason}")
        if journey.local_authority:
            lines.append(f"Local authority: {journey.local_authority}")
        sections.append((f"Progress of enquiry {journey.enquiry_id}", lines))
    for handover in export.handovers:
        lines = [
            f"Shared with local authority {handover.receiving_la} on "
            f"{_when(handover.handed_over_at)} (enquiry {handover.enquiry_id})",
            *(f"Why this LA: {reason}" for reason in handover.allocation.reasons),
            *(line for i, a in enumerate(handover.applicants, 1) for line in _person(i, a)),
            *_household(handover),
        ]
        for name in ("first_conversation_summary", "initial_visit_notes"):
            value = getattr(handover, name)
            if value:
                lines.append(f"{_label(name).capitalize()}: {value}")
        sections.append((f"Handover {handover.handover_id}", lines))
    consents = [
        _consent_line(enquiry_id, where, record, deadline.received_at)
        for enquiry_id, where, record in export.consents
    ]
    sections.append(("Purposes, lawful bases and your choices", consents or ["None on file."]))
    if for_hub and export.review_before_release:
        sections.append(("For the hub: check before release", list(export.review_before_release)))
    return sections
