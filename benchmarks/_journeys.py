"""The synthetic journey table the benchmarks share (``bench_kpi.py``, ``bench_sla.py``).

:func:`generate` draws a journey table with numpy, as a CRM would export it: enquiries
over a run of days, mostly in the daytime (evenings and nights too); first contact for
~88% after minutes to days, a requested call-back for ~15%; later milestones for fewer;
withdrawals with an Ofsted reason. Timestamps are written ~70% as naive London wall time,
~20% with the UTC offset then in force, ~10% in UTC with ``Z``. Each benchmark passes
its own period, zone, LA mix, sources and identifiers; the draws are made in one fixed
order, so a seed gives the same table every time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fostering_hub.models import JOURNEY_COLUMNS

S = 1_000_000  # microseconds per second
NAT = np.iinfo(np.int64).min  # numpy's NaT as int64
DAY = 86_400
CHANNELS = np.array(["web", "phone", "email", "event", "referral", "other"])

#: ``zone(wall)``: Europe/London for the wall times drawn (``to_utc``, ``to_local``).
ZoneFor = Callable[[Any], Any]
#: ``naive_ok(zone, local, utc)``: where a time may be written as naive wall time.
NaiveOk = Callable[[Any, Any, Any], Any]


def epoch_us(value: dt.datetime) -> int:
    return (value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def _seconds(rng: np.random.Generator, count: int, low: float, high: float) -> Any:
    return rng.uniform(low, high, count).astype(np.int64)


def generate(
    rows: int,
    seed: int,
    *,
    start: dt.datetime,
    days: int,
    zone_for: ZoneFor,
    naive_ok: NaiveOk,
    authorities: Sequence[str],
    sources: Sequence[str],
    id_prefix: str,
    la_weights: Any = None,
) -> dict[str, Any]:
    """The journey table's columns as numpy text arrays ("" where not reached).

    Enquiries fall on one of ``days`` local days from ``start`` (read as a London wall
    date); ``zone_for(wall)`` gives the zone that turns their wall times into instants
    (a wall time BST skips moves on an hour). ``authorities`` are drawn uniformly, or
    with ``la_weights``; ``naive_ok`` says which times may be written without an offset.
    """
    rng = np.random.default_rng(seed)
    # Enquiries: a local day, mostly daytime (evenings and nights too).
    day = rng.integers(0, days, rows)
    daytime = np.clip(rng.normal(13.5 * 3600, 3.5 * 3600, rows), 6 * 3600, DAY - 1)
    anytime = rng.uniform(0, DAY, rows)
    clock = np.where(rng.random(rows) < 0.8, daytime, anytime).astype(np.int64)
    wall = (epoch_us(start) // S + day * DAY + clock) * S
    zone = zone_for(wall)
    enquired = zone.to_utc(wall)  # a wall time BST skips moves on an hour
    # Delays, in seconds.
    kind = rng.random(rows)
    delay = np.where(
        kind < 0.6,
        rng.exponential(3 * 3600, rows),
        np.where(kind < 0.9, rng.exponential(20 * 3600, rows), rng.uniform(DAY, 10 * DAY, rows)),
    ).astype(np.int64)
    contacted = rng.random(rows) < 0.88
    first_contact = np.where(contacted, enquired + delay * S, NAT)
    callback = np.where(
        rng.random(rows) < 0.15, enquired + _seconds(rng, rows, 3600, 96 * 3600) * S, NAT
    )
    stages = {"first_contact_at": first_contact}
    last = np.where(contacted, first_contact, enquired)
    reached = contacted
    for column, share, low, high in (
        ("initial_visit_at", 0.45, 2 * DAY, 25 * DAY),
        ("eoi_at", 0.5, DAY, 20 * DAY),
        ("handed_over_at", 0.7, DAY // 2, 15 * DAY),
        ("application_at", 0.6, 5 * DAY, 40 * DAY),
        ("approved_at", 0.3, 60 * DAY, 200 * DAY),
    ):
        reached = reached & (rng.random(rows) < share)
        at = np.where(reached, last + _seconds(rng, rows, low, high) * S, NAT)
        stages[column] = at
        last = np.where(reached, at, last)
    withdrawn = (stages["approved_at"] == NAT) & (rng.random(rows) < 0.12)
    stages["withdrawn_at"] = np.where(withdrawn, last + _seconds(rng, rows, 0, 30 * DAY) * S, NAT)
    reasons = np.array([f"AW{i}" for i in range(6)])[rng.integers(0, 6, rows)]
    las = np.array(authorities)
    picked = (
        rng.integers(0, len(las), rows)
        if la_weights is None
        else rng.choice(len(las), rows, p=la_weights)
    )
    columns: dict[str, Any] = {
        "enquiry_id": np.char.add(id_prefix, np.char.zfill(np.arange(rows).astype(str), 7)),
        "local_authority": las[picked],
        "channel": CHANNELS[rng.integers(0, len(CHANNELS), rows)],
        "source": np.array(sources)[rng.integers(0, len(sources), rows)],
        "enquired_at": _text(enquired, zone, rng, naive_ok),
        "callback_requested_for": _text(callback, zone, rng, naive_ok),
    }
    for column in JOURNEY_COLUMNS[6:13]:
        columns[column] = _text(stages[column], zone, rng, naive_ok)
    columns["withdrawal_reason"] = np.where(withdrawn, reasons, "")
    return {c: columns[c] for c in JOURNEY_COLUMNS}


def _text(utc: Any, zone: Any, rng: np.random.Generator, naive_ok: NaiveOk) -> Any:
    """Instants as ISO 8601 text: naive London time, with the offset then, or ``Z``."""
    local = zone.to_local(utc)
    offset = local - utc
    style = rng.random(len(utc))
    naive = (style < 0.7) & naive_ok(zone, local, utc)
    zulu = ~naive & (style >= 0.9)
    body = np.datetime_as_string(np.where(zulu, utc, local).astype("datetime64[us]"), unit="s")
    suffix = np.where(naive, "", np.where(zulu, "Z", np.where(offset > 0, "+01:00", "+00:00")))
    return np.where(utc == NAT, "", np.char.add(body, suffix))
