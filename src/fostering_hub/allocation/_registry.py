"""Policies by name: the built-ins plus any registered through entry points.

A third-party package registers a policy factory in the entry-point group
``fostering_hub.allocation_policies``::

    [project.entry-points."fostering_hub.allocation_policies"]
    sufficiency = "my_package:make_policy"

A factory is called as ``factory(options, config, base_dir)`` with the policy's options
from ``[allocation.policies.NAME]`` (a dict), the :class:`~fostering_hub.config.HubConfig`
and the config file's folder (or ``None``); it returns an
:class:`~fostering_hub.allocation.AllocationPolicy`. It may raise ``ValueError`` for bad
options: the message is reported against the option's key and line.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import ConfigError, ConfigIssue, HubConfig
from ..models import GSSCode
from ._builtin import (
    BalancedPolicy,
    ChainPolicy,
    CouncilTaxPolicy,
    NonMemberPreference,
    PostcodePolicy,
    PreferencePolicy,
    Straddle,
)
from ._lookup import LookupFileError, PostcodeLookup
from ._policy import AllocationPolicy

ENTRY_POINT_GROUP = "fostering_hub.allocation_policies"
"""The entry-point group third-party allocation policies register their factories in."""
BUILTIN_LOOKUP_PREFIX = "builtin:"
PolicyFactory = Callable[[Mapping[str, Any], HubConfig, Path | None], AllocationPolicy]
"""A policy factory: ``factory(options, config, base_dir)`` returns the policy, given its
``[allocation.policies.NAME]`` options, the hub config and the config file's folder."""


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class PreferenceOptions(_Options):
    """``[allocation.policies.preference]``."""

    on_non_member: NonMemberPreference = NonMemberPreference.NEXT


class PostcodeOptions(_Options):
    """``[allocation.policies.postcode]``."""

    lookup: str = Field(
        f"{BUILTIN_LOOKUP_PREFIX}north-east-sample",
        description="A CSV path (ONSPD, NSPL or two-column), or builtin:north-east-sample.",
    )
    on_straddle: Straddle = Straddle.LARGEST_SHARE


class BalancedOptions(_Options):
    """``[allocation.policies.balanced]`` (and ``round_robin``, which takes no weights)."""

    weights: dict[GSSCode, float] = Field(default_factory=dict)


def builtin_lookup_names() -> list[str]:
    """Lookup tables shipped with the package (``builtin:NAME``)."""
    folder = resources.files(__package__).joinpath("_data")
    return sorted(p.name.removesuffix(".csv") for p in folder.iterdir() if p.name.endswith(".csv"))


def load_lookup(name: str, base_dir: Path | None = None) -> PostcodeLookup:
    """A postcode lookup from a CSV path (relative to ``base_dir``) or ``builtin:NAME``."""
    if name.startswith(BUILTIN_LOOKUP_PREFIX):
        stem = name.removeprefix(BUILTIN_LOOKUP_PREFIX)
        if stem not in builtin_lookup_names():
            raise ValueError(f"no built-in lookup {stem!r}; known: {builtin_lookup_names()}")
        path = Path(str(resources.files(__package__).joinpath("_data").joinpath(f"{stem}.csv")))
    else:
        path = Path(name) if base_dir is None or Path(name).is_absolute() else base_dir / name
    try:
        return PostcodeLookup.from_csv(path)
    except OSError as error:
        raise ValueError(f"cannot read lookup file {path}: {error.strerror or error}") from None
    except LookupFileError as error:
        raise ValueError(str(error)) from None


def _preference(
    options: Mapping[str, Any], config: HubConfig, base: Path | None
) -> AllocationPolicy:
    return PreferencePolicy(PreferenceOptions.model_validate(options).on_non_member)


def _council_tax(
    options: Mapping[str, Any], config: HubConfig, base: Path | None
) -> AllocationPolicy:
    _Options.model_validate(options)
    return CouncilTaxPolicy()


def _postcode(options: Mapping[str, Any], config: HubConfig, base: Path | None) -> AllocationPolicy:
    parsed = PostcodeOptions.model_validate(options)
    return PostcodePolicy(load_lookup(parsed.lookup, base), parsed.on_straddle)


def _balanced(options: Mapping[str, Any], config: HubConfig, base: Path | None) -> AllocationPolicy:
    parsed = BalancedOptions.model_validate(options)
    unknown = set(parsed.weights) - config.cluster.member_codes
    if unknown:
        raise ValueError(f"weights name LAs that are not members: {', '.join(sorted(unknown))}")
    if any(weight < 0 for weight in parsed.weights.values()):
        raise ValueError("weights must not be negative")
    return BalancedPolicy(dict(parsed.weights))


def _round_robin(
    options: Mapping[str, Any], config: HubConfig, base: Path | None
) -> AllocationPolicy:
    _Options.model_validate(options)
    return BalancedPolicy(name="round_robin")


BUILTIN_POLICIES: dict[str, PolicyFactory] = {
    "preference": _preference,
    "council_tax": _council_tax,
    "postcode": _postcode,
    "balanced": _balanced,
    "round_robin": _round_robin,
}
"""The policies that ship with fostering-hub, by the name the hub config's chain uses."""


def available_policies() -> dict[str, PolicyFactory]:
    """Every policy factory by name: built-ins, then entry points (built-ins win)."""
    found: dict[str, PolicyFactory] = {}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, _LazyFactory(entry))
    found.update(BUILTIN_POLICIES)
    return found


class _LazyFactory:
    """Loads an entry point only when the policy is used."""

    def __init__(self, entry: importlib.metadata.EntryPoint) -> None:
        self.entry = entry

    def __call__(
        self, options: Mapping[str, Any], config: HubConfig, base: Path | None
    ) -> AllocationPolicy:
        factory: PolicyFactory = self.entry.load()
        return factory(options, config, base)


def build_policy(config: HubConfig, *, base_dir: Path | None = None) -> AllocationPolicy:
    """The policy chain of ``config.allocation``. Raises :class:`ConfigError` listing every
    unknown policy name and every bad option (by dotted key)."""
    from ..validation import code_for

    factories = available_policies()
    issues: list[ConfigIssue] = []
    policies: list[AllocationPolicy] = []
    section = config.allocation
    for index, name in enumerate(section.chain):
        if name not in factories:
            message = f"Unknown allocation policy; known: {', '.join(sorted(factories))}"
            issues.append(ConfigIssue("FH-C003", ("allocation", "chain", index), None, message))
            continue
        where: tuple[str | int, ...] = ("allocation", "policies", name)
        try:
            policy = factories[name](section.policies.get(name, {}), config, base_dir)
        except ValidationError as error:
            issues.extend(
                ConfigIssue(code_for(d["type"]), (*where, *d["loc"]), None, d["msg"])
                for d in error.errors(include_url=False, include_input=False)
            )
            continue
        except ValueError as error:
            issues.append(ConfigIssue("FH-C004", where, None, str(error)))
            continue
        if not isinstance(policy, AllocationPolicy):
            issues.append(ConfigIssue("FH-C004", where, None, "The factory returned no policy"))
            continue
        policies.append(policy)
    for name in section.policies:
        if name not in section.chain:
            message = "Options for a policy that is not in the chain"
            issues.append(ConfigIssue("FH-C003", ("allocation", "policies", name), None, message))
    if issues:
        raise ConfigError("[allocation]", issues)
    return policies[0] if len(policies) == 1 else ChainPolicy(tuple(policies))
