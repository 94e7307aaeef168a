"""Local authorities and the cluster (hub) they form."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, HttpUrl, model_validator

from ._base import WireModel
from ._codes import DfENumber, GSSCode, Identifier
from ._datetime import IsoDate
from ._email import EmailAddress
from ._errors import fail_at
from ._phone import UKPhoneNumber


class FormerCode(WireModel):
    """A GSS code the authority used before, with the dates it was in force (inclusive)."""

    gss_code: GSSCode
    valid_from: IsoDate | None = None
    valid_to: IsoDate


class DutyContact(WireModel):
    """Where the hub hands households over: a team, not a person."""

    team: str = Field(min_length=1, max_length=200)
    phone: UKPhoneNumber | None = None
    email: EmailAddress | None = None


class LocalAuthorityOffer(WireModel):
    """What the LA offers foster carers, as the operating-model template asks hubs to list."""

    allowances: str | None = Field(None, max_length=2_000)
    fees: str | None = Field(None, max_length=2_000)
    support: str | None = Field(None, max_length=2_000)
    url: HttpUrl | None = None


class LocalAuthority(WireModel):
    """An English local authority fostering service."""

    gss_code: GSSCode
    dfe_number: DfENumber
    name: str = Field(min_length=1, max_length=100)
    former_codes: tuple[FormerCode, ...] = ()
    duty_contact: DutyContact | None = None
    offer: LocalAuthorityOffer | None = None

    def code_on(self, day: dt.date) -> str | None:
        """The GSS code in force on ``day`` (``None`` if the LA did not exist then)."""
        for former in self.former_codes:
            if (former.valid_from is None or former.valid_from <= day) and day <= former.valid_to:
                return former.gss_code
        latest_end = max((f.valid_to for f in self.former_codes), default=None)
        if latest_end is None or day > latest_end:
            return self.gss_code
        return None

    def has_code(self, code: str) -> bool:
        """True if ``code`` is this LA's GSS code (current or former) or DfE number."""
        return code in (self.gss_code, self.dfe_number) or any(
            f.gss_code == code for f in self.former_codes
        )


class ContactChannels(WireModel):
    """The hub's single front door."""

    phone: UKPhoneNumber | None = None
    email: EmailAddress | None = None
    website: HttpUrl | None = None


class Cluster(WireModel):
    """A group of LAs running one recruitment support hub."""

    cluster_id: Identifier
    brand_name: str = Field(min_length=1, max_length=100)
    members: tuple[LocalAuthority, ...] = Field(min_length=2)
    host_la: GSSCode
    contact: ContactChannels = ContactChannels()

    @model_validator(mode="after")
    def _members_consistent(self) -> Cluster:
        errors: list[tuple[tuple[str | int, ...], str, str, dict[str, object]]] = []
        seen: dict[str, int] = {}
        for index, member in enumerate(self.members):
            for code in (member.gss_code, member.dfe_number):
                if code in seen:
                    errors.append(
                        (
                            ("members", index),
                            "fh_duplicate_member",
                            "Member {index} repeats the code of member {first}",
                            {"index": index, "first": seen[code]},
                        )
                    )
                seen.setdefault(code, index)
        if self.host_la not in {m.gss_code for m in self.members}:
            errors.append((("host_la",), "fh_host_not_member", "The host LA is not a member", {}))
        if errors:
            fail_at(type(self).__name__, errors)
        return self

    @property
    def member_codes(self) -> frozenset[str]:
        """Current GSS codes of the member LAs."""
        return frozenset(m.gss_code for m in self.members)

    def member(self, code: str) -> LocalAuthority | None:
        """The member with GSS code (current or former) or DfE number ``code``."""
        return next((m for m in self.members if m.has_code(code)), None)
