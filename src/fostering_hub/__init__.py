"""fostering-hub: an SDK for UK regional fostering recruitment support hubs.

Importing this package is cheap: the capabilities live in subpackages
(:mod:`fostering_hub.models`, :mod:`fostering_hub.config`, :mod:`fostering_hub.validation`,
...) and the names below load them on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .config import HubConfig, load_config
    from .models import Enquiry, Handover, Journey
    from .validation import validate_json

_LAZY = {
    "Enquiry": "fostering_hub.models",
    "Handover": "fostering_hub.models",
    "Journey": "fostering_hub.models",
    "HubConfig": "fostering_hub.config",
    "load_config": "fostering_hub.config",
    "validate_json": "fostering_hub.validation",
}

__all__ = [
    "Enquiry",
    "Handover",
    "HubConfig",
    "Journey",
    "__version__",
    "load_config",
    "validate_json",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fostering_hub' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
