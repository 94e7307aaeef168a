"""An example allocation policy registered through an entry point."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from fostering_hub.allocation import (
    AllocationContext,
    AllocationDecision,
    AllocationPolicy,
    decided,
    declined,
)
from fostering_hub.config import HubConfig
from fostering_hub.models import Enquiry


@attrs.frozen
class SufficiencyPolicy:
    """Choose the member LA with the largest need still unmet by allocations so far."""

    need: Mapping[str, int]
    name: str = "sufficiency"

    def decide(self, enquiry: Enquiry, context: AllocationContext) -> AllocationDecision:
        del enquiry  # the need, not the household, decides
        unmet = {code: need - context.history.get(code, 0) for code, need in self.need.items()}
        code, remaining = max(sorted(unmet.items()), key=lambda item: item[1])
        if remaining <= 0:
            return declined(self.name, "Every LA's sufficiency need is already met")
        return decided(
            self.name,
            code,
            f"{context.name_of(code)} has the largest unmet need for foster carers "
            f"({remaining} households)",
        )


def make_policy(
    options: Mapping[str, Any], config: HubConfig, base_dir: Path | None
) -> AllocationPolicy:
    """Build the policy from ``[allocation.policies.sufficiency]``."""
    del base_dir
    need = options.get("need")
    if not isinstance(need, Mapping) or not need:
        raise ValueError("'need' must be a table of GSS code = households needed")
    outside = sorted(set(need) - config.cluster.member_codes)
    if outside:
        raise ValueError(f"'need' names LAs that are not members: {', '.join(outside)}")
    if not all(isinstance(v, int) and v >= 0 for v in need.values()):
        raise ValueError("each need must be a whole number of households, 0 or more")
    return SufficiencyPolicy({str(k): int(v) for k, v in need.items()})
