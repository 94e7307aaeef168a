"""The examples under examples/ run and do what their READMEs say."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fostering_hub.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AJV_MODULES = ROOT / "tests" / "ajv" / "node_modules"


def test_crm_integration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location(
        "crm_integration", EXAMPLES / "crm_integration.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(tmp_path)
    assert module.main() == 0
    handover = json.loads((tmp_path / "demo-output" / "crm-handover.json").read_text())
    assert handover["receiving_la"] == "E08000024"  # council tax paid to Sunderland (DfE 394)
    assert handover["allocation"]["policy"] == "council_tax"
    assert handover["applicants"][0]["phone"] == "+441914980417"


def test_vendor_validation_verdicts_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = EXAMPLES / "vendor_validation"
    payloads = sorted((folder / "payloads").glob("*.json"))
    config = EXAMPLES / "north-east" / "hub.toml"
    args = ["--config", str(config), "--as-of", "2026-01-01T00:00", "--format", "json"]
    assert main(["validate", "handover", *map(str, payloads), *args]) == 1
    python = {
        Path(r["file"]).name: r["valid"] for r in json.loads(capsys.readouterr().out)["results"]
    }
    assert python == {p.name: p.name.startswith("valid-") for p in payloads}

    schema = tmp_path / "handover.schema.json"
    assert main(["schema", "handover", "--config", str(config)]) == 0
    schema.write_text(capsys.readouterr().out)
    node = shutil.which("node")
    assert node, "Node.js is needed for this test (the README's set-up installs it)"
    assert AJV_MODULES.is_dir(), "run `make ajv` (npm ci in tests/ajv)"
    result = subprocess.run(
        [node, str(folder / "check.js"), str(schema), *map(str, payloads)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": str(AJV_MODULES)},
    )
    assert result.returncode == 1, result.stderr
    ajv = {Path(line.split(":")[0]).name: ": valid" in line for line in result.stdout.splitlines()}
    for name, valid in ajv.items():
        if not valid:  # anything the schema rejects, fostering-hub rejects too
            assert python[name] is False
    # The two the schema cannot judge are rules beyond it (README).
    assert sorted(n for n in python if ajv[n] and not python[n]) == [
        "invalid-illegal_transition.json",
        "invalid-no_share_consent.json",
    ]
