"""JSON Schemas (draft 2020-12) of the wire models, by name.

:func:`write_all` writes them to a folder; ``make schemas`` refreshes ``schemas/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ._authority import Cluster, LocalAuthority
from ._enquiry import Enquiry
from ._handover import Handover
from ._journey import Journey
from ._journey_table import JourneyRow

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_BASE = "https://fostering-hub.org/schemas/"


def _models() -> dict[str, type[BaseModel]]:
    from ..config import HubConfig

    return {
        "enquiry": Enquiry,
        "handover": Handover,
        "journey": Journey,
        "journey-row": JourneyRow,
        "local-authority": LocalAuthority,
        "cluster": Cluster,
        "hub-config": HubConfig,
    }


def schema_names() -> list[str]:
    """Names accepted by :func:`json_schema` (and ``fostering-hub schema``)."""
    return sorted(_models())


def model_for(name: str) -> type[BaseModel]:
    """The wire model called ``name`` (see :func:`schema_names`)."""
    try:
        return _models()[name]
    except KeyError:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(schema_names())}") from None


def json_schema(name: str) -> dict[str, Any]:
    """The draft 2020-12 JSON Schema of the wire model called ``name``."""
    schema = model_for(name).model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": f"{SCHEMA_ID_BASE}{name}.json", **schema}


def render(name: str) -> str:
    """The schema as committed: sorted keys, two-space indent, final newline."""
    return json.dumps(json_schema(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(directory: Path) -> list[Path]:
    """Write every schema to ``directory/<name>.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_names():
        path = directory / f"{name}.json"
        path.write_text(render(name), encoding="utf-8")
        written.append(path)
    return written
