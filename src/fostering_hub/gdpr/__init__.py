"""UK GDPR in code: lawful basis and consent, the retention schedule, subject access,
erasure and safe analytics.

The data sharing agreement and DPIA of a hub (DfE hub guide, section 3.5) set the rules;
the hub config holds them (``[consent]``, ``[[retention.rules]]``, ``[calendar]``); this
package runs them, for example every night from a CRM:

>>> import datetime as dt
>>> from fostering_hub.config import load_config
>>> from fostering_hub.gdpr import ConsentPolicy, may_process, subject_access_deadline
>>> policy = ConsentPolicy.from_config(load_config())
>>> may_process([], "keep_in_touch", dt.datetime(2025, 1, 6, 9), policy=policy).allowed
False
>>> subject_access_deadline(dt.datetime(2025, 1, 31, 10)).due.isoformat()
'2025-02-28'

Nothing here reads a clock (dates are passed in), logs, or prints; messages, reports and
``repr`` carry identifiers, purposes and dates, never a personal value. See
``docs/gdpr.md`` for the rules and their sources.
"""

from ._access import EXPORT_FORMAT, Subject, SubjectAccessExport, subject_access
from ._deadline import SubjectAccessDeadline, statutory_calendar, subject_access_deadline
from ._erasure import (
    DEGRADED_FIELDS,
    PSEUDONYMISED_FIELDS,
    anonymise,
    anonymise_journeys,
    erase,
)
from ._frames import anonymise_journey_frame
from ._policy import ConsentPolicy
from ._processing import (
    ConsentRule,
    DecisionCode,
    ProcessingDecision,
    consent_records,
    lapses_at,
    may_process,
)
from ._pseudonym import DEFAULT_KEY_VARIABLE, MIN_KEY_BYTES, Pseudonymiser
from ._records import (
    RecordFacts,
    classify,
    facts_from_enquiry,
    facts_from_handover,
    facts_from_journey,
)
from ._report import ATTENTION, REPORT_COLUMNS, RetentionDecision, RetentionReport, RetentionStatus
from ._schedule import DEFAULT_RETENTION_RULES, RetentionSchedule
from ._sweep import decide, retention_sweep, retention_sweep_table
from ._tables import (
    CONSENT_COLUMNS,
    FLAG_COLUMNS,
    RecordFlags,
    TableError,
    TableProblem,
    read_consent_table,
    read_flags_table,
)
from ._withdraw import WITHDRAWAL_ONLY_VERSION, withdraw_consent

__all__ = [
    "ATTENTION",
    "CONSENT_COLUMNS",
    "DEFAULT_KEY_VARIABLE",
    "DEFAULT_RETENTION_RULES",
    "DEGRADED_FIELDS",
    "EXPORT_FORMAT",
    "FLAG_COLUMNS",
    "MIN_KEY_BYTES",
    "PSEUDONYMISED_FIELDS",
    "REPORT_COLUMNS",
    "WITHDRAWAL_ONLY_VERSION",
    "ConsentPolicy",
    "ConsentRule",
    "DecisionCode",
    "ProcessingDecision",
    "Pseudonymiser",
    "RecordFacts",
    "RecordFlags",
    "RetentionDecision",
    "RetentionReport",
    "RetentionSchedule",
    "RetentionStatus",
    "Subject",
    "SubjectAccessDeadline",
    "SubjectAccessExport",
    "TableError",
    "TableProblem",
    "anonymise",
    "anonymise_journey_frame",
    "anonymise_journeys",
    "classify",
    "consent_records",
    "decide",
    "erase",
    "facts_from_enquiry",
    "facts_from_handover",
    "facts_from_journey",
    "lapses_at",
    "may_process",
    "read_consent_table",
    "read_flags_table",
    "retention_sweep",
    "retention_sweep_table",
    "statutory_calendar",
    "subject_access",
    "subject_access_deadline",
    "withdraw_consent",
]
