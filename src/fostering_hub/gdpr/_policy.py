"""The consent policy: which purposes need consent and which run under public task.

Built from the hub config's ``[consent]`` section (:class:`~fostering_hub.config.ConsentSection`);
the defaults follow UK GDPR Art 6(1) and the ICO's lawful-basis guidance (public
authorities use public task, Art 6(1)(e), for their tasks) and the Fostering Network's
2023 recommendation (keeping in touch with people who did not apply needs their
permission).
"""

from __future__ import annotations

import attrs

from ..config import ConsentSection, Duration, HubConfig
from ..config._model import CONSENT_SOURCE
from ..models import ConsentPurpose, LawfulBasis


def _purposes(values: object) -> frozenset[ConsentPurpose]:
    if not isinstance(values, list | tuple | set | frozenset):
        raise TypeError("expected a collection of purposes")
    return frozenset(ConsentPurpose(value) for value in values)


@attrs.frozen
class ConsentPolicy:
    """The lawful basis each purpose runs under. ``ConsentPolicy()`` is the default."""

    consent_required: frozenset[ConsentPurpose] = attrs.field(
        factory=lambda: frozenset(ConsentSection().consent_required), converter=_purposes
    )
    public_task: frozenset[ConsentPurpose] = attrs.field(
        factory=lambda: frozenset(ConsentSection().public_task), converter=_purposes
    )
    reconfirm_after: Duration | None = None
    """A consent without its own ``expires_at`` lapses this long after it was given."""
    source: str = CONSENT_SOURCE

    def __attrs_post_init__(self) -> None:
        if self.consent_required & self.public_task:
            raise ValueError("a purpose cannot both need consent and run under public task")

    @classmethod
    def from_config(cls, config: HubConfig | ConsentSection) -> ConsentPolicy:
        """From a hub config (or its ``[consent]`` section)."""
        section = config.consent if isinstance(config, HubConfig) else config
        return cls(
            consent_required=frozenset(section.consent_required),
            public_task=frozenset(section.public_task),
            reconfirm_after=section.reconfirm_after,
            source=section.source,
        )

    def basis_for(self, purpose: ConsentPurpose) -> LawfulBasis | None:
        """The basis ``purpose`` runs under, or ``None`` if the policy does not cover it."""
        if purpose in self.public_task:
            return LawfulBasis.PUBLIC_TASK
        if purpose in self.consent_required:
            return LawfulBasis.CONSENT
        return None
