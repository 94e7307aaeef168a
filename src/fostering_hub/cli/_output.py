"""Small helpers shared by the commands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import ConfigError, HubConfig


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on standard output."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def fail_usage(message: str) -> int:
    """Report a usage or I/O problem on standard error; returns exit code 2."""
    print(f"fostering-hub: error: {message}", file=sys.stderr)
    return 2


def instant_arg(text: str) -> dt.datetime:
    """argparse type for ``--as-of``: ISO 8601; without an offset, Europe/London time."""
    from ..models import to_london

    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected an ISO 8601 date and time") from None
    try:
        return to_london(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "that local time does not exist in Europe/London (skipped when BST starts)"
        ) from None


def config_error(error: ConfigError, path: Path | None) -> int:
    """Report a hub config problem (with the lines of the config file); returns 2."""
    from ..config import locate

    if path is not None and error.issues and error.issues[0].line is None:
        error = locate(error, path)
    print(error, file=sys.stderr)
    return 2


def load_hub_config(path: Path | None) -> HubConfig | int:
    """The hub config at ``path`` (the built-in one if ``None``), or exit code 2 after
    saying why it could not be loaded."""
    from ..config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as error:
        return config_error(error, path)
    except OSError as error:
        return fail_usage(f"cannot read config: {error.strerror or error}")
