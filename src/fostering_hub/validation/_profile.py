"""The handover JSON Schema with a hub's profile applied.

A hub's ``[handover]`` profile adds requirements on top of the base schema; the exported
schema carries them so that vendors' JSON Schema validators enforce them too
(``fostering-hub schema handover --config hub.toml``). The Python side enforces the same
through rules FH-H012 to FH-H014.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..models import json_schema
from ._rules import NOTES_FIELDS

if TYPE_CHECKING:
    from ..config import HandoverProfile


def handover_schema(profile: HandoverProfile | None = None) -> dict[str, Any]:
    """The draft 2020-12 schema of ``Handover``, tightened by ``profile`` if given."""
    schema = json_schema("handover")
    if profile is None or (profile.name == "base" and _is_empty(profile)):
        return schema
    schema = copy.deepcopy(schema)
    schema["$id"] = schema["$id"].replace("handover.json", f"handover.{profile.name}.json")
    schema["title"] = f"Handover ({profile.name} profile)"
    properties: dict[str, Any] = schema["properties"]
    required: list[str] = schema.setdefault("required", [])
    for name in profile.required_fields:
        if name not in required:
            required.append(name)
        properties[name] = _not_null(properties[name])
    if profile.allowed_interests is not None:
        allowed = [interest.value for interest in profile.allowed_interests]
        properties["interests"] = {**properties["interests"], "items": {"enum": allowed}}
    if profile.max_notes_length is not None:
        for name in NOTES_FIELDS:
            properties[name] = _with_max_length(properties[name], profile.max_notes_length)
    return schema


def _is_empty(profile: HandoverProfile) -> bool:
    return (
        not profile.required_fields
        and profile.allowed_interests is None
        and profile.max_notes_length is None
    )


def _not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """Drop the ``null`` branch of an optional property (a required field must have a value)."""
    options = prop.get("anyOf")
    if not options:
        return prop
    kept = [option for option in options if option.get("type") != "null"]
    rest = {k: v for k, v in prop.items() if k not in {"anyOf", "default"}}
    return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _with_max_length(prop: dict[str, Any], limit: int) -> dict[str, Any]:
    if "anyOf" in prop:
        options = [
            {**o, "maxLength": min(limit, o.get("maxLength", limit))}
            if o.get("type") == "string"
            else o
            for o in prop["anyOf"]
        ]
        return {**prop, "anyOf": options}
    return {**prop, "maxLength": min(limit, prop.get("maxLength", limit))}
