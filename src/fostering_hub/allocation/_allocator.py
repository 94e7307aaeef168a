"""Running a policy safely over one enquiry or many."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..models import Cluster, Enquiry
from ._decision import AllocationContext, AllocationDecision
from ._policy import AllocationPolicy

if TYPE_CHECKING:
    from ..config import HubConfig


def checked_decision(
    policy: AllocationPolicy, enquiry: Enquiry, context: AllocationContext
) -> AllocationDecision:
    """Run ``policy`` and make sure the answer is a member LA or unallocated with a reason.

    An exception, a non-member LA or a decision without reasons becomes an unallocated
    (final) decision that says what went wrong, naming the exception's type only (its
    message could hold personal data). A former GSS code is replaced by the current one.
    """
    name = str(getattr(policy, "name", type(policy).__name__))
    try:
        decision = policy.decide(enquiry, context)
    except Exception as error:  # a third-party policy must not break allocation
        return AllocationDecision(None, name, (f"Policy {name} failed ({type(error).__name__})",))
    if not isinstance(decision, AllocationDecision):
        return AllocationDecision(None, name, (f"Policy {name} returned no decision",))
    if not decision.reasons:
        decision = attrs.evolve(decision, reasons=(f"Policy {decision.policy} gave no reason",))
    if decision.local_authority is None:
        return decision
    member = context.cluster.member(decision.local_authority)
    if member is None:
        return AllocationDecision(
            None,
            decision.policy,
            (f"Policy {decision.policy} chose an LA outside the hub; a person should decide",),
        )
    return attrs.evolve(decision, local_authority=member.gss_code)


@attrs.define
class Allocator:
    """Allocates enquiries with one policy, keeping the running history of allocations.

    >>> allocator = Allocator.from_config(config)             # doctest: +SKIP
    >>> decision = allocator.allocate(enquiry)                 # doctest: +SKIP
    """

    policy: AllocationPolicy
    cluster: Cluster
    history: Counter[str] = attrs.field(factory=Counter)

    @classmethod
    def from_config(
        cls,
        config: HubConfig,
        *,
        base_dir: Path | None = None,
        history: Mapping[str, int] | None = None,
    ) -> Allocator:
        """The allocator a hub config describes (its ``[allocation]`` section).

        Relative file names in policy options are read from ``base_dir`` (the folder of
        the config file; the working directory if ``None``).
        """
        from ._registry import build_policy

        policy = build_policy(config, base_dir=base_dir)
        return cls(policy, config.cluster, Counter(history or {}))

    def decide(self, enquiry: Enquiry) -> AllocationDecision:
        """The decision for ``enquiry`` given the history so far (history unchanged)."""
        return checked_decision(self.policy, enquiry, AllocationContext(self.cluster, self.history))

    def allocate(self, enquiry: Enquiry) -> AllocationDecision:
        """Decide, and count an allocated household in the history."""
        decision = self.decide(enquiry)
        if decision.local_authority is not None:
            self.history[decision.local_authority] += 1
        return decision

    def allocate_all(self, enquiries: Iterable[Enquiry]) -> list[AllocationDecision]:
        """Allocate each enquiry in turn."""
        return [self.allocate(enquiry) for enquiry in enquiries]
