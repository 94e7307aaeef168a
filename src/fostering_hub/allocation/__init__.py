"""Allocation: which member LA a household goes to when they don't say.

The hub config's ``[allocation]`` section names a chain of policies tried in order
(the operating-model template's example is council tax). Built-in policies:
``preference``, ``council_tax``, ``postcode``, ``balanced`` and ``round_robin``; more can be
registered through the entry-point group ``fostering_hub.allocation_policies``.

>>> from fostering_hub.config import load_config
>>> from fostering_hub.allocation import Allocator
>>> allocator = Allocator.from_config(load_config())
>>> allocator.policy.name
'chain'
"""

from ._allocator import Allocator, checked_decision
from ._builtin import (
    BalancedPolicy,
    ChainPolicy,
    CouncilTaxPolicy,
    NonMemberPreference,
    PostcodePolicy,
    PreferencePolicy,
    Straddle,
)
from ._decision import (
    AllocationContext,
    AllocationDecision,
    Candidate,
    decided,
    declined,
    unallocated,
)
from ._lookup import LookupCandidate, LookupFileError, LookupMatch, MatchLevel, PostcodeLookup
from ._policy import AllocationPolicy
from ._registry import (
    BUILTIN_POLICIES,
    ENTRY_POINT_GROUP,
    BalancedOptions,
    PolicyFactory,
    PostcodeOptions,
    PreferenceOptions,
    available_policies,
    build_policy,
    builtin_lookup_names,
    load_lookup,
)

__all__ = [
    "BUILTIN_POLICIES",
    "ENTRY_POINT_GROUP",
    "AllocationContext",
    "AllocationDecision",
    "AllocationPolicy",
    "Allocator",
    "BalancedOptions",
    "BalancedPolicy",
    "Candidate",
    "ChainPolicy",
    "CouncilTaxPolicy",
    "LookupCandidate",
    "LookupFileError",
    "LookupMatch",
    "MatchLevel",
    "NonMemberPreference",
    "PolicyFactory",
    "PostcodeLookup",
    "PostcodeOptions",
    "PostcodePolicy",
    "PreferenceOptions",
    "PreferencePolicy",
    "Straddle",
    "available_policies",
    "build_policy",
    "builtin_lookup_names",
    "checked_decision",
    "decided",
    "declined",
    "load_lookup",
    "unallocated",
]
