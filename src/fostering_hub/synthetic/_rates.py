"""The probabilities behind a synthetic year, with the source of each default.

Funnel shares are *cumulative*: the share of all enquiries that reach a milestone, the
way Ofsted and the Fostering Network report them. Approval is the exception: Ofsted
reports it against applications, so :attr:`FunnelRates.approval` is a share of
applications. Values marked *chosen* have no published figure behind them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs

from ..models import Channel, WithdrawalReason

#: Chosen: most hub enquiries arrive through the regional web form, then the phone line
#: (the hub guide's front door: web form, phone line, email, events).
DEFAULT_CHANNELS: Mapping[Channel, float] = MappingProxyType(
    {
        Channel.WEB: 0.55,
        Channel.PHONE: 0.22,
        Channel.EMAIL: 0.08,
        Channel.EVENT: 0.09,
        Channel.REFERRAL: 0.04,
        Channel.OTHER: 0.02,
    }
)

#: Chosen: "how did you hear about us", the answers hubs report as campaign
#: effectiveness (enquiries by source, DfE hub guide KPI); no published split.
DEFAULT_SOURCES: Mapping[str, float] = MappingProxyType(
    {
        "social media": 0.32,
        "search engine": 0.20,
        "word of mouth": 0.15,
        "radio": 0.05,
        "local event": 0.08,
        "existing foster carer": 0.08,
        "leaflet": 0.05,
        "other": 0.07,
    }
)

#: Chosen: Ofsted collects these codes from 2023-24 ("Fostering dataset returns: changes
#: for 2023-24 onwards") but no national split is confirmed yet (shared/domain.md).
#: Household change (AW3) and "not as expected" (AW1) are weighted highest.
DEFAULT_WITHDRAWAL_REASONS: Mapping[WithdrawalReason, float] = MappingProxyType(
    {
        WithdrawalReason.AW0: 0.25,
        WithdrawalReason.AW1: 0.22,
        WithdrawalReason.AW2: 0.08,
        WithdrawalReason.AW3: 0.28,
        WithdrawalReason.AW4: 0.11,
        WithdrawalReason.AW5: 0.06,
    }
)


def _pairs(value: Mapping[Any, float] | Iterable[tuple[Any, float]]) -> list[tuple[Any, float]]:
    items = value.items() if isinstance(value, Mapping) else value
    return [(key, weight) for key, weight in items]


def _channel_weights(
    value: Mapping[Channel, float] | Mapping[str, float] | Iterable[tuple[str, float]],
) -> tuple[tuple[Channel, float], ...]:
    return tuple((Channel(key), weight) for key, weight in _pairs(value))


def _reason_weights(
    value: Mapping[WithdrawalReason, float] | Mapping[str, float] | Iterable[tuple[str, float]],
) -> tuple[tuple[WithdrawalReason, float], ...]:
    return tuple((WithdrawalReason(key), weight) for key, weight in _pairs(value))


def _source_weights(
    value: Mapping[str, float] | Iterable[tuple[str, float]],
) -> tuple[tuple[str, float], ...]:
    return tuple((str(key), weight) for key, weight in _pairs(value))


def _probability(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"FunnelRates.{attribute.name} must be a probability in [0, 1]")


def _weights(
    instance: object, attribute: attrs.Attribute[Any], value: Sequence[tuple[str, float]]
) -> None:
    keys = [key for key, _ in value]
    if len(set(keys)) != len(keys):
        raise ValueError(f"FunnelRates.{attribute.name} lists the same key twice")
    total = 0.0
    for key, weight in value:
        if not 1 <= len(key) <= 100:
            raise ValueError(f"FunnelRates.{attribute.name} keys must be 1-100 characters")
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or weight < 0
        ):
            raise ValueError(f"FunnelRates.{attribute.name} weights must be finite and >= 0")
        total += weight
    if total <= 0:
        raise ValueError(f"FunnelRates.{attribute.name} needs at least one positive weight")


def _probability_field(default: float) -> float:
    return attrs.field(default=default, validator=_probability)


@attrs.frozen
class FunnelRates:
    """Probabilities for :func:`~fostering_hub.synthetic.generate_year`, with sourced defaults.

    Milestone shares (``first_contact`` to ``application``) are shares of *all* enquiries
    and must not increase along the journey; ``approval`` is a share of applications.
    Weight tables (``channels``, ``sources``, ``withdrawal_reasons``) take a mapping of
    key to non-negative weight and are stored as tuples of pairs. Raises ``ValueError``
    for a probability outside [0, 1], milestone shares out of order or bad weights.
    """

    first_contact: float = _probability_field(0.97)
    """Enquiries the hub reaches for a first conversation. Chosen: the hub promises
    contact within 24 hours; a few give unusable details or never answer."""
    initial_visit: float = _probability_field(0.31)
    """Enquiries reaching an initial visit: 31% (Fostering Network benchmark, 2015, LAs)."""
    eoi: float = _probability_field(0.18)
    """Enquiries with an authorised expression of interest. Chosen: between the initial
    visit (31%) and application (12%) shares; no published figure."""
    handed_over: float = _probability_field(0.15)
    """Enquiries handed over to an LA. Chosen: between EOI and application shares."""
    application: float = _probability_field(0.12)
    """Enquiries reaching an application: 12% for LAs (Ofsted, Fostering in England
    2021-22 and 2022-23; 6% across all services)."""
    approval: float = _probability_field(0.51)
    """Applications approved: about 51% (Ofsted, Fostering in England 2022-23: 4,080
    households approved / 8,010 applications)."""
    withdrawal_recorded: float = _probability_field(0.85)
    """Households that drop out after first contact (and are not kept in touch) whose
    withdrawal is recorded with an Ofsted AW code; the rest just stop. Chosen."""
    keep_in_touch: float = _probability_field(0.25)
    """Enquirers who consent to being kept in touch with (needs their permission:
    Fostering Network 2023). Chosen."""
    marketing: float = _probability_field(0.10)
    """Enquirers who consent to marketing. Chosen."""
    consent_withdrawn: float = _probability_field(0.10)
    """Consents (keep in touch, marketing) withdrawn later. Chosen."""
    joint_application: float = _probability_field(0.30)
    """Enquiries naming two applicants (a couple). Chosen."""
    preferred_la: float = _probability_field(0.35)
    """Enquirers who name the LA they want to foster for. Chosen."""
    preferred_own_la: float = _probability_field(0.80)
    """Of those naming an LA, the share naming the LA they live in. Chosen."""
    callback_requested: float = _probability_field(0.20)
    """Enquirers asking to be called back at a set time (the hub template's "or at a
    date/time requested by the enquirer"). Chosen."""
    first_contact_within_24h: float = _probability_field(0.90)
    """First contacts (without a callback request) made within 24 hours, the hub
    template's promise. Chosen: most, not all, meet it."""
    on_hold: float = _probability_field(0.05)
    """Households reaching an EOI who paused between initial visit and EOI. Chosen."""
    channels: tuple[tuple[Channel, float], ...] = attrs.field(
        default=_channel_weights(DEFAULT_CHANNELS), converter=_channel_weights, validator=_weights
    )
    """How enquiries arrive: weights by :class:`~fostering_hub.models.Channel` (chosen)."""
    sources: tuple[tuple[str, float], ...] = attrs.field(
        default=_source_weights(DEFAULT_SOURCES), converter=_source_weights, validator=_weights
    )
    """How enquirers heard of the hub: weights by answer text (chosen)."""
    withdrawal_reasons: tuple[tuple[WithdrawalReason, float], ...] = attrs.field(
        default=_reason_weights(DEFAULT_WITHDRAWAL_REASONS),
        converter=_reason_weights,
        validator=_weights,
    )
    """Ofsted AW withdrawal reason codes: weights (chosen; no national split yet)."""

    def __attrs_post_init__(self) -> None:
        order = ("first_contact", "initial_visit", "eoi", "handed_over", "application")
        for earlier, later in itertools.pairwise(order):
            if getattr(self, later) > getattr(self, earlier):
                raise ValueError(
                    f"FunnelRates.{later} cannot exceed FunnelRates.{earlier}: "
                    "milestone shares are cumulative"
                )

    def milestone_shares(self) -> dict[str, float]:
        """The expected share of all enquiries reaching each milestone, by stage name."""
        return {
            "enquired": 1.0,
            "first_contact": self.first_contact,
            "initial_visit": self.initial_visit,
            "eoi": self.eoi,
            "handed_over": self.handed_over,
            "application": self.application,
            "approved": self.application * self.approval,
        }
