"""The built-in policies: preference, council tax, postcode, balanced / round robin, chain.

The operating-model template's example policy is council tax (the LA the household pays
council tax to, its billing authority). Postcode of residence and stated preference are
the other usual rules (``shared/domain.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

import attrs

from ..models import Enquiry
from ._decision import (
    AllocationContext,
    AllocationDecision,
    Candidate,
    decided,
    declined,
    unallocated,
)
from ._lookup import PostcodeLookup
from ._policy import AllocationPolicy


class NonMemberPreference(StrEnum):
    """What to do when an enquirer names an LA outside the cluster."""

    NEXT = "next"
    """Note it and let the next policy decide."""
    UNALLOCATED = "unallocated"
    """Stop: a person should talk it through with the enquirer."""


@attrs.frozen
class PreferencePolicy:
    """The LA the enquirer asked to foster for, when it is a member."""

    on_non_member: NonMemberPreference = NonMemberPreference.NEXT
    name: str = "preference"

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        wanted = enquiry.preferred_la
        if wanted is None:
            return declined(self.name, "The enquirer did not name an LA")
        member = context.cluster.member(wanted)
        if member is not None:
            return decided(
                self.name,
                member.gss_code,
                f"The enquirer asked to foster for {context.name_of(member.gss_code)}",
                confidence=1.0,
            )
        reason = f"The enquirer asked for {wanted}, which is not a member of this hub"
        if self.on_non_member is NonMemberPreference.UNALLOCATED:
            return unallocated(self.name, reason)
        return declined(self.name, reason)


@attrs.frozen
class CouncilTaxPolicy:
    """The LA the household pays council tax to (its billing authority), when a member."""

    name: str = "council_tax"

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        billing = enquiry.council_tax_la
        if billing is None:
            return declined(self.name, "The council-tax LA is not known")
        member = context.cluster.member(billing)
        if member is None:
            return declined(self.name, f"The household pays council tax to {billing}, not a member")
        return decided(
            self.name,
            member.gss_code,
            f"The household pays council tax to {context.name_of(member.gss_code)}",
            confidence=1.0,
        )


class Straddle(StrEnum):
    """What to do when a postcode prefix lies in several member LAs."""

    LARGEST_SHARE = "largest_share"
    UNALLOCATED = "unallocated"


@attrs.frozen
class PostcodePolicy:
    """The LA the home postcode lies in, from a lookup (longest known prefix wins)."""

    lookup: PostcodeLookup
    on_straddle: Straddle = Straddle.LARGEST_SHARE
    name: str = "postcode"

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        postcode = enquiry.home_postcode
        if postcode is None:
            return declined(self.name, "No home postcode was given")
        match = self.lookup.find(postcode)
        if match is None:
            return declined(self.name, "The home postcode is not in the postcode lookup")
        members = [c for c in match.candidates if context.cluster.member(c.gss_code)]
        candidates = tuple(Candidate(c.gss_code, c.share) for c in members)
        level = match.level.value
        if not members:
            return declined(
                self.name,
                f"The home postcode ({level} match) lies outside the hub's LAs",
                candidates=candidates,
            )
        best = members[0]
        code = context.cluster.member(best.gss_code).gss_code  # type: ignore[union-attr]
        where = context.name_of(code)
        if len(members) == 1 and best.share == 1.0:
            return decided(
                self.name,
                code,
                f"The home postcode ({level} match) lies in {where}",
                confidence=1.0,
                candidates=candidates,
            )
        shares = ", ".join(f"{context.name_of(c.gss_code)} {c.share:.0%}" for c in members)
        if self.on_straddle is Straddle.UNALLOCATED:
            return unallocated(
                self.name,
                f"The home postcode's {level} straddles LAs ({shares}); a person should decide",
                candidates=candidates,
                confidence=best.share,
            )
        return decided(
            self.name,
            code,
            f"The home postcode's {level} straddles LAs ({shares}); chose the largest share",
            confidence=best.share,
            candidates=candidates,
        )


@attrs.frozen
class BalancedPolicy:
    """Share households across member LAs by weight (e.g. each LA's sufficiency need).

    Picks the LA furthest below its weighted share of ``context.history`` (plus this
    household); ties go to the lowest GSS code, so the result depends only on the history.
    With no weights every member weighs the same (round robin).
    """

    weights: Mapping[str, float] = attrs.field(factory=dict)
    name: str = "balanced"

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        del enquiry
        codes = sorted(context.cluster.member_codes)
        weights = {
            code: float(self.weights.get(code, 0.0 if self.weights else 1.0)) for code in codes
        }
        total_weight = sum(weights.values())
        if total_weight <= 0:
            return declined(self.name, "No member LA has a positive weight")
        allocated = sum(context.history.get(code, 0) for code in codes) + 1
        deficits = {
            code: weights[code] / total_weight * allocated - context.history.get(code, 0)
            for code in codes
        }
        chosen = max(codes, key=lambda code: (deficits[code], -codes.index(code)))
        rule = "weighted shares" if self.weights else "equal shares (round robin)"
        return decided(
            self.name,
            chosen,
            f"Balancing households across LAs by {rule}: {context.name_of(chosen)} is "
            "furthest below its share",
        )


@attrs.frozen
class ChainPolicy:
    """Try policies in order until one decides (or one leaves the household unallocated)."""

    policies: Sequence[AllocationPolicy]
    name: str = "chain"

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        from ._allocator import checked_decision

        passed_over: list[str] = []
        for policy in self.policies:
            decision = checked_decision(policy, enquiry, context)
            if decision.allocated or decision.final:
                return attrs.evolve(decision, passed_over=(*passed_over, *decision.passed_over))
            passed_over.extend(f"{decision.policy}: {r}" for r in decision.reasons)
        return AllocationDecision(
            None,
            self.name,
            ("No policy in the chain could decide",),
            passed_over=tuple(passed_over),
        )
