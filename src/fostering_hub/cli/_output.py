"""Small helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on standard output."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def fail_usage(message: str) -> int:
    """Report a usage or I/O problem on standard error; returns exit code 2."""
    print(f"fostering-hub: error: {message}", file=sys.stderr)
    return 2
