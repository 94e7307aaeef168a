"""`import fostering_hub` stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["pandas", "polars", "numpy", "narwhals", "faker"]
FIRST_USE = ["phonenumbers", "email_validator", "pendulum", "holidays"]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {name.split(".")[0] for name in json.loads(out.stdout)}


@pytest.mark.parametrize(
    "statement",
    [
        "import fostering_hub",
        "import fostering_hub.models",
        "import fostering_hub.config",
        "import fostering_hub.validation",
        "import fostering_hub.cli",
        "import fostering_hub.synthetic",
    ],
)
def test_no_heavy_imports(statement: str) -> None:
    assert loaded_after(statement).isdisjoint(HEAVY)


def test_validators_load_on_first_use() -> None:
    assert loaded_after("import fostering_hub.models").isdisjoint(FIRST_USE)
    used = loaded_after(
        "from fostering_hub.models import normalise_uk_phone; normalise_uk_phone('0191 498 0123')"
    )
    assert "phonenumbers" in used


def test_lazy_top_level_names() -> None:
    import fostering_hub

    assert fostering_hub.Enquiry.__name__ == "Enquiry"
    assert "Handover" in dir(fostering_hub)
    with pytest.raises(AttributeError):
        _ = fostering_hub.nope  # type: ignore[attr-defined]
