"""SLA engine: working calendars, response-time targets and their evaluation.

The hub promises to contact each enquirer within 24 hours of the enquiry, or at the
date and time they asked for (DfE hub operating-model template); hubs add their own
targets in the hub config (``[[sla.targets]]``). Targets follow the shape of service desk
SLAs: a start event, a stop event, optional pause events, a duration on a working
calendar, a warning threshold, and a first-matching-rule choice between variants.

Two paths give the same results: :func:`evaluate_journey` for one journey (the
reference), and :func:`evaluate_table` for a whole journey table at once (numpy on a
pandas or polars frame through narwhals; needs the ``dataframes`` extra, imported on
first use only).

>>> import datetime as dt
>>> from fostering_hub.config import load_config
>>> from fostering_hub.sla import evaluate_journey, targets_from_config
>>> targets = targets_from_config(load_config())
"""

from ._calendar import WorkingCalendar, bank_holidays
from ._clock import REPORTED_UNIT, due_time, elapsed
from ._evaluate import (
    RESULT_COLUMNS,
    SLAResult,
    SLAStatus,
    Target,
    evaluate,
    evaluate_journey,
    targets_from_config,
)
from ._table import evaluate_table

__all__ = [
    "REPORTED_UNIT",
    "RESULT_COLUMNS",
    "SLAResult",
    "SLAStatus",
    "Target",
    "WorkingCalendar",
    "bank_holidays",
    "due_time",
    "elapsed",
    "evaluate",
    "evaluate_journey",
    "evaluate_table",
    "targets_from_config",
]
