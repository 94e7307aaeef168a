"""The retention schedule: the hub config's ``[[retention.rules]]`` and a calendar.

UK GDPR Art 5(1)(e) (storage limitation) asks for a written schedule, periodic review,
then erasure or anonymisation. When the config has no rules, the cited defaults apply:
reg 32 of the Fostering Services (England) Regulations 2011 (records on prospective foster
carers at least 3 years from refusal or withdrawal; foster carer records at least 10 years
from the date approval ends). reg 32 periods are minimums: a hub may keep records longer,
never shorter. No law sets a period for enquirers who never applied (LAs use 1 month to
10 years), so there is no default for them: the hub writes its own rule, and until it
does such records are reported as matching no rule.
"""

from __future__ import annotations

import attrs

from ..config import Duration, DurationUnit, HubConfig
from ..config import RetentionAction as Action
from ..config import RetentionRecord as Kind
from ..config import RetentionRule as Rule
from ..config import RetentionTrigger as Trigger
from ..sla import WorkingCalendar

REG_32 = "Fostering Services (England) Regulations 2011, reg 32"

DEFAULT_RETENTION_RULES: tuple[Rule, ...] = (
    Rule(
        record=Kind.WITHDRAWN_APPLICATION,
        trigger=Trigger.WITHDRAWAL,
        period=Duration(3, DurationUnit.YEARS),
        action=Action.DELETE,
        source=f"{REG_32}: at least 3 years from refusal or withdrawal of the application",
    ),
    Rule(
        record=Kind.APPROVED_CARER,
        trigger=Trigger.APPROVAL_ENDED,
        period=Duration(10, DurationUnit.YEARS),
        action=Action.REVIEW,
        source=f"{REG_32}: at least 10 years from the date approval ends",
    ),
)
"""The cited defaults, used when the hub config has no retention rules."""


@attrs.frozen
class RetentionSchedule:
    """Rules, each with the name reports cite it by, and the calendar periods run on."""

    rules: tuple[Rule, ...] = DEFAULT_RETENTION_RULES
    calendar: WorkingCalendar = attrs.field(factory=WorkingCalendar)
    names: tuple[str, ...] = attrs.field()
    """How each rule is cited: ``retention.rules[2]`` (config) or ``default[0]``."""

    @names.default
    def _names(self) -> tuple[str, ...]:
        return tuple(f"rules[{index}]" for index in range(len(self.rules)))

    def __attrs_post_init__(self) -> None:
        if len(self.names) != len(self.rules):
            raise ValueError("one name per rule")

    @classmethod
    def from_config(cls, config: HubConfig) -> RetentionSchedule:
        """The config's rules (``retention.rules[i]``), or the defaults (``default[i]``) if
        it has none; periods run on the config's working calendar."""
        calendar = WorkingCalendar.from_config(config.calendar)
        rules = tuple(config.retention.rules)
        if not rules:
            return cls.defaults(calendar)
        names = tuple(f"retention.rules[{index}]" for index in range(len(rules)))
        return cls(rules, calendar, names)

    @classmethod
    def defaults(cls, calendar: WorkingCalendar | None = None) -> RetentionSchedule:
        """The cited defaults (reg 32) only."""
        rules = DEFAULT_RETENTION_RULES
        names = tuple(f"default[{index}]" for index in range(len(rules)))
        return cls(rules, calendar or WorkingCalendar(), names)

    def rules_for(self, kind: Kind) -> list[tuple[str, Rule]]:
        """The rules for records of ``kind``, with their names, in schedule order."""
        return [
            (name, rule)
            for name, rule in zip(self.names, self.rules, strict=True)
            if rule.record is kind
        ]

    def covers(self, kind: Kind) -> bool:
        """True if some rule is about records of ``kind``."""
        return any(rule.record is kind for rule in self.rules)
