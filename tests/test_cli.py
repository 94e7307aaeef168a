"""The `fostering-hub` command line: exit codes, JSON output, every command's --help."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fostering_hub import __version__
from fostering_hub.cli import main
from fostering_hub.cli._app import build_parser
from fostering_hub.models import Handover

VALID = Handover.example().model_dump_json()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def command_names() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"fostering-hub {__version__}"


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: fostering-hub" in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "nonsense-kind", "x.json"])
    assert exited.value.code == 2
    assert "--help" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["enquiry", "handover", "hub-config"])
def test_schema(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", name)
    assert code == 0
    assert json.loads(out)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_validate_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "handover", write(tmp_path, "h.json", VALID))
    assert code == 0
    assert out.splitlines() == [f"{tmp_path / 'h.json'}: valid", "checked 1, valid 1, invalid 0"]


def test_validate_json_output_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = json.loads(VALID)
    bad["receiving_la"] = "Sunderland"
    lines = "\n".join([VALID, json.dumps(bad), "", "not json"]) + "\n"
    code, out, _ = run(
        capsys, "validate", "handover", write(tmp_path, "h.ndjson", lines), "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert report["summary"] == {"checked": 3, "valid": 1, "invalid": 2}
    results = report["results"]
    assert [(r["line"], r["valid"]) for r in results] == [(1, True), (2, False), (4, False)]
    assert results[1]["errors"] == [
        {
            "code": "FH-T004",
            "path": "/receiving_la",
            "message": "Value is not a GSS local authority code (E06-E10 and six digits)",
        }
    ]
    assert results[2]["errors"][0]["code"] == "FH-J001"
    for result in results:
        assert {"file", "line", "valid", "errors"} <= set(result)
        assert set(result) <= {"file", "line", "valid", "errors", "warnings", "not_checked"}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"[1, 2]", "FH-S003"),
        (b"\xff\xfe not utf-8", "FH-J001"),
        (b"[" * 10_000 + b"]" * 10_000, "FH-J002"),
        (b'{"schema_version": "9.9"}', "FH-M007"),
        (b"1" * 10_000, "FH-J002"),
    ],
)
def test_bad_input_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str
) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(content)
    exit_code, out, err = run(capsys, "validate", "handover", str(path), "--format", "json")
    assert exit_code == 1, err
    codes = [e["code"] for e in json.loads(out)["results"][0]["errors"]]
    assert code in codes


def test_validate_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO((VALID + "\n" + VALID + "\n").encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(capsys, "validate", "handover", "-", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["checked"] == 2


def test_validate_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "handover", "/no/such/file.json")
    assert code == 2
    assert out == ""
    assert "no such file" in err


def test_validate_hub_config_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(__file__).parent.parent / "examples/north-east/hub.toml").read_text()
    good = write(tmp_path, "good.toml", text)
    bad = write(tmp_path, "bad.toml", text.replace('nation = "ENG"', 'nation = "XYZ"'))
    code, out, _ = run(capsys, "validate", "hub-config", good, bad, "--format", "json")
    assert code == 1
    results = json.loads(out)["results"]
    assert results[0]["valid"] is True
    (error,) = results[1]["errors"]
    assert error["path"] == "/calendar/nation"
    assert error["message"].startswith("line ")


def test_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "codes", "--format", "json")
    assert code == 0
    assert {"code": "FH-T001", "title": "Not a valid UK postcode"} in json.loads(out)


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fostering_hub.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert __version__ in result.stdout
