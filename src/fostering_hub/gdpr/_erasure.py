"""Erasure and anonymisation: copies of records with the personal data taken out.

Personal fields are the ones the models declare with ``Personal(...)`` (and everything
inside them, such as an applicant's address). :func:`anonymise` keeps two of them in a
degraded form analysts need, as UK children's social care tools do: a **postcode cut to
its sector** (``"SR1 3AA"`` to ``"SR1 3"``) and a **date of birth cut to the month**
(``"1985-06-30"`` to ``"1985-06"``); every other personal value becomes ``null``.
:func:`erase` degrades nothing. Both replace identifiers that lead back to a person
(``enquiry_id``, ``handover_id``, ``buddy_reference``) with keyed pseudonyms
(:class:`Pseudonymiser`), so extracts from different runs still join.

The result is JSON-ready data of the record's shape (a degraded postcode is no longer a
valid :data:`~fostering_hub.models.Postcode`, so it cannot be a model). Journeys hold no
personal field, so :func:`anonymise_journeys` returns valid :class:`Journey` copies.

Pseudonymised data is still personal data while the key exists (UK GDPR recital 26);
destroy the key to make the extract anonymous in law, and mind that timestamps, a sector
and a birth month together can still single someone out in a small area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..models import Journey, WireModel, postcode_sector
from ._pseudonym import Pseudonymiser

PSEUDONYMISED_FIELDS: frozenset[str] = frozenset({"enquiry_id", "handover_id", "buddy_reference"})
"""Identifier fields replaced by keyed pseudonyms (the field name is the HMAC namespace)."""


def _birth_month(value: Any) -> str | None:
    return value[:7] if isinstance(value, str) and len(value) >= 7 else None


def _sector(value: Any) -> str | None:
    try:
        return postcode_sector(value) if isinstance(value, str) else None
    except ValueError:
        return None


DEGRADED_FIELDS: Mapping[str, Callable[[Any], str | None]] = {
    "postcode": _sector,
    "date_of_birth": _birth_month,
}
"""Personal fields :func:`anonymise` keeps in a degraded form, by field name."""


def anonymise(record: WireModel, pseudonymiser: Pseudonymiser) -> dict[str, Any]:
    """``record`` as JSON-ready data with personal values removed, except the postcode
    sector and the birth month, and identifiers pseudonymised."""
    return _scrub(record, record.model_dump(mode="json"), pseudonymiser, degrade=True)


def erase(record: WireModel, pseudonymiser: Pseudonymiser) -> dict[str, Any]:
    """``record`` as JSON-ready data with every personal value removed (``null``) and
    identifiers pseudonymised."""
    return _scrub(record, record.model_dump(mode="json"), pseudonymiser, degrade=False)


def anonymise_journeys(journeys: Iterable[Journey], pseudonymiser: Pseudonymiser) -> list[Journey]:
    """Copies of ``journeys`` with ``enquiry_id`` pseudonymised (nothing else in a journey
    is personal). Write them with :func:`~fostering_hub.models.write_journey_table`."""
    return [
        journey.model_copy(update={"enquiry_id": pseudonymiser(journey.enquiry_id, "enquiry_id")})
        for journey in journeys
    ]


def _scrub(
    model: WireModel,
    data: dict[str, Any],
    pseudonymiser: Pseudonymiser,
    *,
    degrade: bool,
    personal: bool = False,
) -> dict[str, Any]:
    personal_fields = type(model).personal_fields()
    return {
        name: _value(
            name,
            getattr(model, name),
            value,
            pseudonymiser,
            degrade=degrade,
            personal=personal or name in personal_fields,
        )
        for name, value in data.items()
    }


def _value(
    name: str,
    python: Any,
    data: Any,
    pseudonymiser: Pseudonymiser,
    *,
    degrade: bool,
    personal: bool,
) -> Any:
    if data is None:
        return None
    if isinstance(python, WireModel) and isinstance(data, dict):
        return _scrub(python, data, pseudonymiser, degrade=degrade, personal=personal)
    if isinstance(python, list | tuple) and isinstance(data, list):
        return [
            _value(name, p, d, pseudonymiser, degrade=degrade, personal=personal)
            for p, d in zip(python, data, strict=True)
        ]
    if name in PSEUDONYMISED_FIELDS:
        return pseudonymiser(str(data), name)
    if personal:
        degrader = DEGRADED_FIELDS.get(name) if degrade else None
        return degrader(data) if degrader is not None else None
    return data
