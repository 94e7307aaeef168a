"""The hub's operating model as a TOML file, loaded into a validated :class:`HubConfig`.

>>> from fostering_hub.config import load_config
>>> config = load_config()          # the built-in North East example
>>> len(config.cluster.members)
12
"""

from ._duration import Duration, DurationSpec, DurationUnit
from ._load import (
    ConfigError,
    ConfigIssue,
    default_config_path,
    load_config,
    locate,
    parse_config,
)
from ._model import (
    CONFIG_VERSION,
    AllocationSection,
    CalendarSection,
    ConsentSection,
    DueConvention,
    Frequency,
    HandoverProfile,
    HubConfig,
    HubSection,
    MemberConfig,
    Nation,
    ReportingSection,
    RetentionAction,
    RetentionRecord,
    RetentionRule,
    RetentionSection,
    RetentionTrigger,
    SLASection,
    SLATarget,
    TargetCondition,
    Weekday,
    first_contact_default,
)

__all__ = [
    "CONFIG_VERSION",
    "AllocationSection",
    "CalendarSection",
    "ConfigError",
    "ConfigIssue",
    "ConsentSection",
    "DueConvention",
    "Duration",
    "DurationSpec",
    "DurationUnit",
    "Frequency",
    "HandoverProfile",
    "HubConfig",
    "HubSection",
    "MemberConfig",
    "Nation",
    "ReportingSection",
    "RetentionAction",
    "RetentionRecord",
    "RetentionRule",
    "RetentionSection",
    "RetentionTrigger",
    "SLASection",
    "SLATarget",
    "TargetCondition",
    "Weekday",
    "default_config_path",
    "first_contact_default",
    "load_config",
    "locate",
    "parse_config",
]
