"""A seeded synthetic year: enquiries and their journeys for a hub's member LAs."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..models import (
    Channel,
    ConsentMeans,
    ConsentPurpose,
    Enquiry,
    FosteringInterest,
    Journey,
    LawfulBasis,
    Stage,
)
from . import _people
from ._places import Place, lookup_districts, member_places
from ._rates import FunnelRates
from ._timeline import Timeline, aware, callback_time, enquiry_times, plan, working_days

if TYPE_CHECKING:
    from ..allocation import PostcodeLookup
    from ..config import HubConfig

#: How the notice for contact about the enquiry was given, by channel. Referrals are
#: followed up by phone; "other" (e.g. a letter) by post.
_MEANS: dict[Channel, ConsentMeans] = {
    Channel.WEB: ConsentMeans.WEB_FORM,
    Channel.PHONE: ConsentMeans.PHONE,
    Channel.EMAIL: ConsentMeans.EMAIL,
    Channel.EVENT: ConsentMeans.EVENT,
    Channel.REFERRAL: ConsentMeans.PHONE,
    Channel.OTHER: ConsentMeans.LETTER,
}

#: Chosen weights of the kinds of fostering enquirers say they are interested in.
_INTERESTS: tuple[tuple[FosteringInterest, float], ...] = (
    (FosteringInterest.SHORT_TERM, 0.28),
    (FosteringInterest.LONG_TERM, 0.24),
    (FosteringInterest.SHORT_BREAKS, 0.15),
    (FosteringInterest.EMERGENCY, 0.08),
    (FosteringInterest.SIBLING_GROUPS, 0.09),
    (FosteringInterest.PARENT_AND_CHILD, 0.06),
    (FosteringInterest.UASC, 0.06),
    (FosteringInterest.OTHER, 0.04),
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CAMPAIGN_SOURCES = frozenset({"social media", "radio", "local event", "leaflet"})
#: Keep-in-touch consent is re-confirmed after two years (the example retention schedule
#: in north-east.toml reviews keep-in-touch records after 2 years; an EXAMPLE value).
_KEEP_IN_TOUCH_DAYS = 730


@attrs.frozen
class SyntheticYear:
    """A seeded synthetic year of enquiries and their journeys.

    ``journeys[i]`` is the journey of ``enquiries[i]`` (same ``enquiry_id``); enquiries
    are in the order received. All people and contact details are fictitious.
    """

    enquiries: tuple[Enquiry, ...]
    journeys: tuple[Journey, ...]
    seed: int
    start: dt.date

    @property
    def end(self) -> dt.date:
        """The day after the year's last day (``start`` + 365 days)."""
        return self.start + dt.timedelta(days=365)

    def known_at(self, moment: dt.datetime) -> SyntheticYear:
        """The year as a CRM would hold it at ``moment`` (timezone-aware): journeys cut
        at ``moment``, consents given later left out and withdrawals made later not yet
        recorded. Journeys run on past the year's last enquiry (a visit, an application,
        a panel), so a report taken at the year end uses this."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        enquiries = []
        journeys = []
        for enquiry, journey in zip(self.enquiries, self.journeys, strict=True):
            if enquiry.received_at > moment:
                continue
            consents = [
                {**c.model_dump(), "withdrawn_at": c.withdrawn_at}
                if c.withdrawn_at is not None and c.withdrawn_at <= moment
                else {**c.model_dump(), "withdrawn_at": None}
                for c in enquiry.consents
                if c.given_at <= moment
            ]
            enquiries.append(Enquiry.model_validate({**enquiry.model_dump(), "consents": consents}))
            events = [e.model_dump() for e in journey.events if e.at <= moment]
            contacted = any(e["stage"] is Stage.FIRST_CONTACT for e in events)
            journeys.append(
                Journey.model_validate(
                    {
                        **journey.model_dump(),
                        "events": events,
                        "local_authority": journey.local_authority if contacted else None,
                    }
                )
            )
        return attrs.evolve(self, enquiries=tuple(enquiries), journeys=tuple(journeys))


def _weighted_sample(rng: random.Random, pairs: tuple[tuple[Any, float], ...], k: int) -> list[Any]:
    keys = [key for key, _ in pairs]
    weights = [weight for _, weight in pairs]
    chosen: list[Any] = []
    while len(chosen) < min(k, len(keys)):
        key = rng.choices(keys, weights=weights)[0]
        if key not in chosen:
            chosen.append(key)
    return chosen


def _consent(
    purpose: ConsentPurpose,
    basis: LawfulBasis,
    given_at: dt.datetime,
    means: ConsentMeans,
    policy: str,
    *,
    withdrawn_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "lawful_basis": basis,
        "policy_version": policy,
        "given_at": given_at,
        "means": means,
        "withdrawn_at": withdrawn_at,
        "expires_at": expires_at,
    }


def _later(rng: random.Random, after: dt.datetime, low: int, high: int) -> dt.datetime:
    day = after.date() + dt.timedelta(days=rng.randint(low, high))
    return aware(dt.datetime(day.year, day.month, day.day, rng.randrange(8, 22), rng.randrange(60)))


def _consents(
    rng: random.Random,
    timeline: Timeline,
    channel: Channel,
    received_at: dt.datetime,
    events: dict[Stage, dt.datetime],
    rates: FunnelRates,
    policy: str,
    *,
    keep_in_touch: bool,
    marketing: bool,
) -> list[dict[str, Any]]:
    means = _MEANS[channel]
    records = [
        _consent(
            ConsentPurpose.CONTACT_ABOUT_ENQUIRY,
            LawfulBasis.PUBLIC_TASK,
            received_at,
            means,
            policy,
        )
    ]
    if Stage.HANDED_OVER in events:
        records.append(
            _consent(
                ConsentPurpose.SHARE_WITH_LA,
                LawfulBasis.PUBLIC_TASK,
                events.get(Stage.EOI, events[Stage.HANDED_OVER]),
                ConsentMeans.WEB_FORM,
                policy,
            )
        )
    if keep_in_touch:
        kept = timeline.reached(Stage.KEEP_IN_TOUCH)
        withdrawn = None
        if rng.random() < rates.consent_withdrawn:
            withdrawn = _later(rng, kept or timeline.received, 30, 300)
        records.append(
            _consent(
                ConsentPurpose.KEEP_IN_TOUCH,
                LawfulBasis.CONSENT,
                received_at,
                means,
                policy,
                withdrawn_at=withdrawn,
                expires_at=aware(timeline.received + dt.timedelta(days=_KEEP_IN_TOUCH_DAYS)),
            )
        )
    if marketing:
        withdrawn = None
        if rng.random() < rates.consent_withdrawn:
            withdrawn = _later(rng, timeline.received, 7, 300)
        records.append(
            _consent(
                ConsentPurpose.MARKETING,
                LawfulBasis.CONSENT,
                received_at,
                means,
                policy,
                withdrawn_at=withdrawn,
            )
        )
    return records


def _journey_events(timeline: Timeline) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    previous: dt.datetime | None = None
    for stage, at, reason in timeline.events:
        when = aware(at)
        if previous is not None and when < previous:
            when = previous  # only possible around the clock change; equal is allowed
        events.append({"stage": stage, "at": when, "reason": reason})
        previous = when
    return events


def generate_year(
    config: HubConfig,
    *,
    seed: int = 2024,
    enquiries: int = 4000,
    start: dt.date = dt.date(2024, 4, 1),
    rates: FunnelRates | None = None,
    postcodes: PostcodeLookup | None = None,
    base_dir: Path | None = None,
) -> SyntheticYear:
    """Generate a seeded synthetic year of enquiries and journeys for ``config``'s members.

    Enquiries arrive over the 365 days from ``start`` (mostly by day and in the evening,
    Europe/London time); each household lives in one member LA, weighted by population,
    and moves through the funnel with the probabilities in ``rates`` (default
    :class:`FunnelRates`). Visits, EOIs, handovers, applications and approvals fall on
    the hub calendar's working days (bank holidays from the ``holidays`` package). The
    same seed gives identical output; the wall clock is never read. People come from
    ``faker`` (en_GB, the ``demo`` extra, imported here), phone numbers from Ofcom's
    drama ranges and emails from the reserved example domains. Postcodes are random
    units in the postcode districts that ``postcodes`` gives for each LA: by default the
    lookup of the hub's ``postcode`` allocation policy (``[allocation.policies.postcode]
    lookup``, read relative to ``base_dir``; ``builtin:north-east-sample`` if unset), so
    the hub's own allocation places each household in its LA.

    Raises ``TypeError`` if ``start`` is not a date and ``ValueError`` if ``enquiries``
    is negative.
    """
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        raise TypeError("start must be a date")
    if isinstance(enquiries, bool) or not isinstance(enquiries, int) or enquiries < 0:
        raise ValueError("enquiries must be a whole number, 0 or more")
    rates = FunnelRates() if rates is None else rates

    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)

    calendar = config.calendar
    working = working_days(
        (_WEEKDAYS.index(day.value) for day in calendar.working_days),
        calendar.nation.value,
        calendar.closures,
        start,
    )
    if postcodes is None:
        postcodes = _cluster_lookup(config, base_dir)
    places = member_places(
        [(la.gss_code, la.name) for la in config.cluster.members], lookup_districts(postcodes)
    )
    place_cum = list(itertools.accumulate(place.weight for place in places))
    sources = [source for source, _ in rates.sources]
    source_cum = list(itertools.accumulate(weight for _, weight in rates.sources))
    prefix = config.hub.id.upper()[:8]
    policy = f"{start.year}.1"
    financial_year = f"{start.year}-{(start.year + 1) % 100:02d}"
    brand_campaign = f"{config.hub.brand_name[:60].strip()} {financial_year}"

    built_enquiries: list[Enquiry] = []
    built_journeys: list[Journey] = []
    times = enquiry_times(rng, start, enquiries, rates)
    for number, (received, channel) in enumerate(times, start=1):
        place = rng.choices(places, cum_weights=place_cum)[0]
        callback = callback_time(rng, received) if rng.random() < rates.callback_requested else None
        keep_in_touch = rng.random() < rates.keep_in_touch
        marketing = rng.random() < rates.marketing
        timeline = plan(rng, received, callback, rates, working, keep_in_touch=keep_in_touch)
        events = _journey_events(timeline)
        reached = {event["stage"]: event["at"] for event in events}
        received_at = events[0]["at"]

        people = _household(rng, fake, place, channel, received.date(), rates)
        preferred = _preferred_la(rng, place, places, place_cum, rates)
        source = rng.choices(sources, cum_weights=source_cum)[0] if rng.random() < 0.9 else None
        campaign = None
        if source in _CAMPAIGN_SOURCES and rng.random() < 0.35:
            campaign = (
                f"Foster Care Fortnight {received.year}" if received.month == 5 else brand_campaign
            )
        roll = rng.random()
        spare_bedroom = True if roll < 0.88 else (False if roll < 0.95 else None)
        interests = _weighted_sample(rng, _INTERESTS, rng.choices((1, 2, 3), (50, 35, 15))[0])
        enquiry_id = f"{prefix}-{number:06d}"
        callback_at = aware(callback) if callback is not None else None

        enquiry = Enquiry.model_validate(
            {
                "enquiry_id": enquiry_id,
                "received_at": received_at,
                "channel": channel,
                "source": source,
                "campaign": campaign,
                "applicants": people[0],
                "household": people[1],
                "preferred_la": preferred,
                "council_tax_la": place.gss_code,
                "interests": interests,
                "spare_bedroom": spare_bedroom,
                "callback_requested_for": callback_at,
                "consents": _consents(
                    rng,
                    timeline,
                    channel,
                    received_at,
                    reached,
                    rates,
                    policy,
                    keep_in_touch=keep_in_touch,
                    marketing=marketing,
                ),
            }
        )
        contacted = Stage.FIRST_CONTACT in reached
        journey = Journey.model_validate(
            {
                "enquiry_id": enquiry_id,
                "channel": channel,
                "source": source,
                "local_authority": (preferred or place.gss_code) if contacted else None,
                "callback_requested_for": callback_at,
                "events": events,
            }
        )
        built_enquiries.append(enquiry)
        built_journeys.append(journey)
    return SyntheticYear(
        enquiries=tuple(built_enquiries), journeys=tuple(built_journeys), seed=seed, start=start
    )


def _cluster_lookup(config: HubConfig, base_dir: Path | None) -> PostcodeLookup:
    """The lookup the hub's ``postcode`` allocation policy reads (or its default)."""
    from ..allocation import PostcodeOptions, load_lookup

    options = PostcodeOptions.model_validate(config.allocation.policies.get("postcode", {}))
    return load_lookup(options.lookup, base_dir)


def _household(
    rng: random.Random,
    fake: _people.Names,
    place: Place,
    channel: Channel,
    on: dt.date,
    rates: FunnelRates,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The applicants (one or two) and the other household members."""
    joint = rng.random() < rates.joint_application
    age = _people.adult_age(rng)
    female = rng.random() < 0.7  # chosen: most lead applicants are women
    home = _people.address(rng, fake, place)
    first = _people.applicant(
        rng,
        fake,
        on=on,
        age=age,
        female=female,
        place=place,
        home=home,
        needs_phone=channel is Channel.PHONE,
        needs_email=channel in (Channel.WEB, Channel.EMAIL),
    )
    applicants = [first]
    if joint:
        second_age = min(70, max(21, age + rng.randint(-8, 8)))
        applicants.append(
            _people.applicant(
                rng,
                fake,
                on=on,
                age=second_age,
                female=(not female) if rng.random() < 0.85 else female,
                place=place,
                home=home if rng.random() < 0.9 else _people.address(rng, fake, place),
                last_name=first["last_name"] if rng.random() < 0.6 else None,
                main=False,
            )
        )
    members = _people.household(rng, fake, on=on, main_age=age, joint=joint)
    return applicants, members


def _preferred_la(
    rng: random.Random,
    place: Place,
    places: tuple[Place, ...],
    place_cum: list[float],
    rates: FunnelRates,
) -> str | None:
    """The LA the enquirer names, if they name one (mostly their own)."""
    if rng.random() >= rates.preferred_la:
        return None
    if len(places) == 1 or rng.random() < rates.preferred_own_la:
        return place.gss_code
    while True:
        other = rng.choices(places, cum_weights=place_cum)[0]
        if other.gss_code != place.gss_code:
            return other.gss_code
