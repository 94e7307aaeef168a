"""The allocation policy interface."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..models import Enquiry
from ._decision import AllocationContext, AllocationDecision


@runtime_checkable
class AllocationPolicy(Protocol):
    """Anything with a ``name`` and a ``decide`` method.

    ``decide`` must return a decision naming a member LA, or an unallocated decision
    with a reason; :class:`~fostering_hub.allocation.Allocator` checks this and turns any
    other answer (or an exception) into "unallocated" with the reason why.
    """

    @property
    def name(self) -> str:
        """The policy's name, as used in the hub config and in decisions."""
        ...

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        """Decide which member LA ``enquiry`` goes to, or why it can't be decided."""
        ...
