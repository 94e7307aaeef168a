"""What an allocation policy returns: an LA, or an explicit "unallocated", with reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..models import AllocationRecord, Cluster


@attrs.frozen
class Candidate:
    """An LA a household might belong to, with how much of the evidence points there."""

    gss_code: str
    share: float


@attrs.frozen
class AllocationDecision:
    """A policy's answer for one enquiry.

    ``local_authority`` is a member LA's GSS code, or ``None`` for unallocated. An
    unallocated decision is *final* when the policy wants a person to decide (a chain
    stops there) and not final when the policy simply does not apply (a chain moves on).
    ``reasons`` are plain words for the audit trail and the handover; they never contain
    personal data (no postcode, no name).
    """

    local_authority: str | None
    policy: str
    reasons: tuple[str, ...]
    confidence: float | None = None
    candidates: tuple[Candidate, ...] = ()
    final: bool = True
    passed_over: tuple[str, ...] = ()
    """In a chain: why each earlier policy did not decide ("policy: reason")."""

    @property
    def allocated(self) -> bool:
        """True when an LA was chosen."""
        return self.local_authority is not None

    def to_record(self) -> AllocationRecord:
        """The handover payload's ``allocation`` block. Raises ``ValueError`` if unallocated."""
        if self.local_authority is None:
            raise ValueError("an unallocated decision has no handover record")
        return AllocationRecord(
            policy=self.policy,
            reasons=[*self.passed_over, *self.reasons][-20:],
            confidence=self.confidence,
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's output for one enquiry)."""
        return {
            "local_authority": self.local_authority,
            "policy": self.policy,
            "reasons": list(self.reasons),
            "confidence": self.confidence,
            "candidates": [{"gss_code": c.gss_code, "share": c.share} for c in self.candidates],
            "passed_over": list(self.passed_over),
        }


def decided(
    policy: str, gss_code: str, reason: str, *, confidence: float | None = None, **extra: Any
) -> AllocationDecision:
    """A decision for ``gss_code``."""
    return AllocationDecision(gss_code, policy, (reason,), confidence, **extra)


def declined(policy: str, reason: str, **extra: Any) -> AllocationDecision:
    """The policy does not apply; a chain tries the next one."""
    return AllocationDecision(None, policy, (reason,), final=False, **extra)


def unallocated(policy: str, reason: str, **extra: Any) -> AllocationDecision:
    """The policy stops here: leave the household for a person to allocate."""
    return AllocationDecision(None, policy, (reason,), final=True, **extra)


@attrs.frozen
class AllocationContext:
    """What a policy may look at besides the enquiry.

    ``history`` counts households already allocated to each LA (by GSS code): the
    balancing policies share new households out against it, so the same history and
    enquiry always give the same decision.
    """

    cluster: Cluster
    history: Mapping[str, int] = attrs.field(factory=dict)

    def name_of(self, gss_code: str) -> str:
        """The member's name, for reasons ("Sunderland (E08000024)")."""
        member = self.cluster.member(gss_code)
        return f"{member.name} ({member.gss_code})" if member else gss_code
