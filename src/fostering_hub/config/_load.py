"""Loading a hub config file, with errors that name the key and the line."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
from pydantic import ValidationError

from ._locate import dotted, key_lines, line_of
from ._model import HubConfig

DEFAULT_CONFIG_NAME = "north-east.toml"
_TOML_LINE = re.compile(r"line (\d+)")


@attrs.frozen
class ConfigIssue:
    """One problem in a config file: code, location, line, message (never a value)."""

    code: str
    loc: tuple[str | int, ...]
    line: int | None
    message: str

    @property
    def key(self) -> str:
        """The location as a dotted key, e.g. ``sla.targets[0].duration``."""
        return dotted(self.loc)

    def __str__(self) -> str:
        where = f"{self.line}: " if self.line is not None else " "
        return f"{where}{self.key or '<top level>'}: {self.message} [{self.code}]"


class ConfigError(ValueError):
    """A hub config file could not be loaded. ``issues`` lists every problem found."""

    def __init__(self, source: str, issues: list[ConfigIssue]) -> None:
        self.source = source
        self.issues = issues
        detail = "\n".join(f"  {source}:{issue}" for issue in issues)
        super().__init__(f"invalid hub config {source} ({len(issues)} problem(s)):\n{detail}")


def locate(error: ConfigError, path: str | Path) -> ConfigError:
    """A copy of ``error`` with the line of each issue found in the config file at ``path``
    (for errors found after loading, e.g. by :func:`fostering_hub.allocation.build_policy`)."""
    try:
        lines = key_lines(Path(path).read_text(encoding="utf-8"))
    except OSError:
        return error
    issues = [
        attrs.evolve(issue, line=issue.line or line_of(lines, issue.loc)) for issue in error.issues
    ]
    return ConfigError(str(path), issues)


def default_config_path() -> Path:
    """The built-in config: the 12 North East LAs (``examples/north-east/hub.toml``)."""
    return Path(str(resources.files(__package__).joinpath(DEFAULT_CONFIG_NAME)))


def parse_config(text: str, source: str = "<string>") -> HubConfig:
    """Validate config ``text`` (TOML). Raises :class:`ConfigError`."""
    from ..validation import code_for

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        line = int(found.group(1)) if found else None
        message = str(error).split(" (at ")[0]
        raise ConfigError(
            source, [ConfigIssue(code_for("fh_toml_invalid"), (), line, message)]
        ) from None
    try:
        return HubConfig.model_validate(data)
    except ValidationError as error:
        lines = key_lines(text)
        issues = [
            ConfigIssue(
                code=code_for(detail["type"]),
                loc=tuple(detail["loc"]),
                line=line_of(lines, detail["loc"]),
                message=detail["msg"],
            )
            for detail in error.errors(include_url=False, include_input=False)
        ]
        raise ConfigError(source, issues) from None


def load_config(path: str | Path | None = None) -> HubConfig:
    """Load and validate the hub config at ``path`` (the built-in North East one if None).

    Raises :class:`ConfigError` for invalid content and ``OSError`` if it can't be read.
    """
    target = default_config_path() if path is None else Path(path)
    return parse_config(target.read_text(encoding="utf-8"), str(target))
