"""The hub's operating model as data: the blanks of the DfE operating-model template.

Each section fills one "[insert ...]" of ``hub-operating-model-template``: the member LAs
and their offers, the allocation policy, response times (SLA targets), the working
calendar, retention, reporting frequency and KPIs, and the handover profile agreed in
the data sharing agreement. Sections that later parts of the library interpret are
validated for shape here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Sequence
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, JsonValue, StrictBool, StrictFloat, StrictInt, model_validator

from ..models import (
    NORTH_EAST,
    Channel,
    Cluster,
    ConsentPurpose,
    ContactChannels,
    DfENumber,
    DutyContact,
    FosteringInterest,
    GSSCode,
    Identifier,
    IsoDate,
    LocalAuthority,
    LocalAuthorityOffer,
    Stage,
)
from ..models._base import WireModel
from ..models._errors import fail_at
from ._duration import Duration, DurationSpec, DurationUnit

CONFIG_VERSION = 1
"""The hub config format version this release reads (``config_version`` in the TOML file)."""
_CLOCK_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
ClockTime = Annotated[str, Field(pattern=_CLOCK_RE.pattern, examples=["09:00"])]


class HubSection(WireModel):
    """Who the hub is and how people reach it."""

    id: Identifier
    brand_name: str = Field(min_length=1, max_length=100)
    host_la: GSSCode = Field(description="The LA that hosts the hub (employs its team).")
    contact: ContactChannels = ContactChannels()


class MemberConfig(WireModel):
    """A member LA. Name and DfE number come from the built-in reference data if omitted."""

    gss_code: GSSCode
    dfe_number: DfENumber | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    duty_contact: DutyContact | None = None
    offer: LocalAuthorityOffer | None = None


class AllocationSection(WireModel):
    """The allocation policy: which LA a household goes to when they don't say."""

    chain: list[Identifier] = Field(
        default_factory=lambda: ["preference", "council_tax"],
        min_length=1,
        description="Policies tried in order until one decides.",
    )
    policies: dict[Identifier, dict[str, JsonValue]] = Field(
        default_factory=dict, description="Options for each policy, by policy name."
    )


class Nation(StrEnum):
    """UK bank-holiday regions, as ``holidays.UK`` subdivisions."""

    ENGLAND_AND_WALES = "ENG"
    WALES = "WLS"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"


class Weekday(StrEnum):
    """Days of the week."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class DueConvention(StrEnum):
    """When a working-day or calendar-month target falls due on its last day."""

    END_OF_DAY = "end_of_day"
    SAME_TIME = "same_time"


class CalendarSection(WireModel):
    """The hub's working calendar (used for working-day and working-hour targets)."""

    nation: Nation = Nation.ENGLAND_AND_WALES
    timezone: str = "Europe/London"
    working_days: list[Weekday] = Field(
        default_factory=lambda: [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI],
        min_length=1,
    )
    opens: ClockTime = "09:00"
    closes: ClockTime = "17:00"
    closures: list[IsoDate] = Field(
        default_factory=list, description="Extra closure days, e.g. between Christmas and 1 Jan."
    )
    due_at: DueConvention = Field(
        DueConvention.END_OF_DAY,
        description=(
            "When a target in working days or calendar months falls due on its last day: "
            "at closing time, or at the time of day the clock started."
        ),
    )

    @model_validator(mode="after")
    def _opens_before_closes(self) -> CalendarSection:
        if self.opens >= self.closes:
            fail_at(
                "CalendarSection",
                [(("closes",), "fh_config_inconsistent", "closes must be after opens", {})],
            )
        return self


class TargetCondition(WireModel):
    """Which journeys a target rule applies to (all given lists must match)."""

    channels: list[Channel] | None = None
    sources: list[str] | None = None
    local_authorities: list[GSSCode] | None = None


class SLATarget(WireModel):
    """A response-time target, shaped like a service desk SLA (start, pause, stop).

    Several rules may share a ``name``: for each journey the first whose ``when`` matches
    applies (a rule without ``when`` matches every journey), as in Jira Service
    Management, Zendesk and ServiceNow.
    """

    name: Identifier
    when: TargetCondition | None = None
    start: Stage
    stop: Stage
    pause_on: list[Stage] = Field(default_factory=list)
    duration: DurationSpec
    warn_at: Annotated[StrictFloat, Field(gt=0.0, lt=1.0)] = 0.75
    honour_callback_request: StrictBool = Field(
        False, description="A requested callback time replaces the due time."
    )
    callback_tolerance: DurationSpec | None = None


class SLASection(WireModel):
    """Response-time targets. The template's promise is the default first target."""

    targets: list[SLATarget] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reachable_rules(self) -> SLASection:
        catch_all: set[str] = set()
        for index, target in enumerate(self.targets):
            if target.name in catch_all:
                fail_at(
                    "SLASection",
                    [
                        (
                            ("targets", index, "name"),
                            "fh_config_inconsistent",
                            "An earlier rule with this name and no 'when' always applies first",
                            {},
                        )
                    ],
                )
            if target.when is None:
                catch_all.add(target.name)
        return self


class RetentionRecord(StrEnum):
    """Kinds of record a retention rule applies to."""

    ENQUIRY_NOT_PROCEEDED = "enquiry_not_proceeded"
    WITHDRAWN_APPLICATION = "withdrawn_application"
    HANDED_OVER = "handed_over"
    KEEP_IN_TOUCH = "keep_in_touch"
    APPROVED_CARER = "approved_carer"


class RetentionTrigger(StrEnum):
    """The date a retention period runs from."""

    LAST_CONTACT = "last_contact"
    WITHDRAWAL = "withdrawal"
    HANDOVER = "handover"
    APPROVAL_ENDED = "approval_ended"


class RetentionAction(StrEnum):
    """What happens when a retention period ends."""

    DELETE = "delete"
    ANONYMISE = "anonymise"
    REVIEW = "review"


class RetentionRule(WireModel):
    """Keep ``record`` for ``period`` after ``trigger``, then ``action``."""

    record: RetentionRecord
    trigger: RetentionTrigger
    period: DurationSpec
    action: RetentionAction
    source: str = Field(min_length=1, max_length=500, description="Where the period comes from.")


class RetentionSection(WireModel):
    """The written retention schedule (UK GDPR Art 5(1)(e), storage limitation)."""

    rules: list[RetentionRule] = Field(default_factory=list)


CONSENT_SOURCE = (
    "UK GDPR Art 6(1)(a) consent and 6(1)(e) public task; ICO guidance on lawful basis "
    "(public authorities use public task for their tasks); keeping in touch with people "
    "who did not apply needs their permission (Fostering Network, 2023)"
)


class ConsentSection(WireModel):
    """Which purposes need the person's consent and which the hub runs under public task.

    A purpose in neither list is never allowed (``may_process`` says so); a purpose may not
    be in both. ``reconfirm_after`` makes a consent without its own ``expires_at`` lapse that
    long after it was given (unset: consent lasts until withdrawn).
    """

    consent_required: list[ConsentPurpose] = Field(
        default_factory=lambda: [
            ConsentPurpose.KEEP_IN_TOUCH,
            ConsentPurpose.BUDDY_CONTACT,
            ConsentPurpose.MARKETING,
            ConsentPurpose.RESEARCH,
        ],
        json_schema_extra={"uniqueItems": True},
        description="Purposes that need a consent record in force (Art 6(1)(a)).",
    )
    public_task: list[ConsentPurpose] = Field(
        default_factory=lambda: [
            ConsentPurpose.CONTACT_ABOUT_ENQUIRY,
            ConsentPurpose.SHARE_WITH_LA,
        ],
        json_schema_extra={"uniqueItems": True},
        description="Purposes the hub runs as the LAs' public task (Art 6(1)(e)).",
    )
    reconfirm_after: DurationSpec | None = Field(
        None, description="Consent without an expiry lapses this long after it was given."
    )
    source: str = Field(CONSENT_SOURCE, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _each_purpose_once(self) -> ConsentSection:
        errors: list[tuple[tuple[str | int, ...], str, str, dict[str, Any]]] = []
        for name in ("consent_required", "public_task"):
            seen: set[ConsentPurpose] = set()
            for index, purpose in enumerate(getattr(self, name)):
                if purpose in seen:
                    errors.append(
                        ((name, index), "fh_config_inconsistent", "Purpose listed twice", {})
                    )
                seen.add(purpose)
        both = set(self.public_task)
        for index, purpose in enumerate(self.consent_required):
            if purpose in both:
                message = "A purpose cannot both need consent and run under public task"
                errors.append((("consent_required", index), "fh_config_inconsistent", message, {}))
        if errors:
            fail_at("ConsentSection", errors)
        return self


class Frequency(StrEnum):
    """How often something happens."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUALLY = "annually"


class ReportingSection(WireModel):
    """Governance and reporting rhythm, and the KPIs reported."""

    governance_board: Frequency = Frequency.QUARTERLY
    operational_group: Frequency = Frequency.MONTHLY
    dashboard: Frequency = Frequency.MONTHLY
    kpis: list[Identifier] = Field(default_factory=list)
    """KPI ids from the catalogue (``fostering-hub kpi --list``)."""
    initial_visit_within_days: Annotated[StrictInt, Field(ge=1, le=365)] = 10

    @model_validator(mode="after")
    def _known_kpis(self) -> ReportingSection:
        from ..kpi._catalogue import KPI_IDS  # the catalogue only: no data-frame libraries

        _refuse_unknown(
            "ReportingSection",
            "kpis",
            self.kpis,
            KPI_IDS,
            "Not a KPI id (see fostering-hub kpi --list)",
        )
        return self


def _refuse_unknown(
    model: str, field: str, names: Sequence[str], known: Container[str], message: str
) -> None:
    """Fail with ``message`` at ``field[index]`` for each name of ``names`` not ``known``."""
    errors: list[tuple[tuple[str | int, ...], str, str, dict[str, Any]]] = [
        ((field, index), "fh_config_inconsistent", message, {})
        for index, name in enumerate(names)
        if name not in known
    ]
    if errors:
        fail_at(model, errors)


class HandoverProfile(WireModel):
    """Extra requirements the data sharing agreement puts on handover payloads.

    ``required_fields`` names top-level handover fields that must be present and not null;
    ``allowed_interests`` limits the fostering interests; ``max_notes_length`` caps the
    free-text fields (``first_conversation_summary``, ``initial_visit_notes``). The
    exported JSON Schema carries all three (``fostering-hub schema handover --config``).
    """

    name: Identifier = "base"
    required_fields: list[str] = Field(default_factory=list)
    allowed_interests: list[FosteringInterest] | None = None
    max_notes_length: Annotated[StrictInt, Field(ge=0, le=5_000)] | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> HandoverProfile:
        from ..models import Handover

        _refuse_unknown(
            "HandoverProfile",
            "required_fields",
            self.required_fields,
            Handover.model_fields,
            "Not a handover field",
        )
        return self


class HubConfig(WireModel):
    """A hub's operating model, as loaded from its TOML file."""

    config_version: Annotated[StrictInt, Field(ge=1, le=CONFIG_VERSION)] = CONFIG_VERSION
    hub: HubSection
    members: list[MemberConfig] = Field(min_length=2)
    allocation: AllocationSection = AllocationSection()
    calendar: CalendarSection = CalendarSection()
    sla: SLASection = SLASection()
    retention: RetentionSection = RetentionSection()
    consent: ConsentSection = ConsentSection()
    reporting: ReportingSection = ReportingSection()
    handover: HandoverProfile = HandoverProfile()

    @model_validator(mode="after")
    def _members_known_and_unique(self) -> HubConfig:
        errors: list[tuple[tuple[str | int, ...], str, str, dict[str, Any]]] = []
        seen: set[str] = set()
        for index, member in enumerate(self.members):
            if member.gss_code in seen:
                errors.append(
                    (
                        ("members", index, "gss_code"),
                        "fh_duplicate_member",
                        "Member listed twice",
                        {},
                    )
                )
            seen.add(member.gss_code)
            if NORTH_EAST.get(member.gss_code) is None and (
                member.name is None or member.dfe_number is None
            ):
                errors.append(
                    (
                        ("members", index),
                        "fh_config_inconsistent",
                        "An LA outside the built-in reference data needs name and dfe_number",
                        {},
                    )
                )
        if self.hub.host_la not in seen:
            errors.append(
                (("hub", "host_la"), "fh_host_not_member", "The host LA is not a member", {})
            )
        if errors:
            fail_at("HubConfig", errors)
        return self

    @functools.cached_property
    def cluster(self) -> Cluster:
        """The member LAs as a :class:`~fostering_hub.models.Cluster` (built once)."""
        return Cluster(
            cluster_id=self.hub.id,
            brand_name=self.hub.brand_name,
            host_la=self.hub.host_la,
            contact=self.hub.contact,
            members=tuple(_authority(m) for m in self.members),
        )

    def target(self, name: str) -> SLATarget | None:
        """The first SLA target rule called ``name``."""
        return next((t for t in self.sla.targets if t.name == name), None)


def _authority(member: MemberConfig) -> LocalAuthority:
    known = NORTH_EAST.get(member.gss_code)
    base: dict[str, Any] = known.model_dump() if known is not None else {}
    base.update(member.model_dump(exclude_none=True))
    return LocalAuthority.model_validate(base)


def first_contact_default() -> SLATarget:
    """The template's promise: contact within 24 hours or at the time the enquirer asked."""
    return SLATarget(
        name="first_contact",
        start=Stage.ENQUIRED,
        stop=Stage.FIRST_CONTACT,
        duration=Duration(24, DurationUnit.HOURS),
        honour_callback_request=True,
        callback_tolerance=Duration(15, DurationUnit.MINUTES),
    )
