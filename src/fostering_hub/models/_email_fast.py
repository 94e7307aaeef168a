"""A fast path for :func:`~fostering_hub.models._email.normalise_email`.

``normalise_email`` only hands ``email-validator`` texts that match ``EMAIL_PATTERN``
(an ASCII dot-atom local part, an ``@``, and two or more LDH labels of 1 to 63
characters that neither start nor end with a hyphen) and are at most 254 characters
long. For such a text, ``validate_email(..., check_deliverability=False,
allow_smtputf8=False, allow_quoted_local=False)`` in email-validator 2.x does only this
(checked against its source, 2.1 to 2.4):

- splits at the only ``@``; the local part passes the ASCII dot-atom test unchanged and
  NFC normalisation leaves ASCII alone;
- lower-cases the local part if it is one of the RFC 2142 role names
  (``CASE_INSENSITIVE_MAILBOX_NAMES``: info, postmaster, webmaster, ...);
- runs the domain through ``idna.uts46_remap``, which for ASCII letters, digits, hyphens
  and dots only lower-cases (checked once, at first use);
- rejects a label with ``--`` in 3rd and 4th position unless it starts with ``xn``;
- rejects a domain whose last character is not a letter (no numeric TLD);
- rejects the special-use names in ``SPECIAL_USE_DOMAIN_NAMES`` (arpa, invalid, local,
  localhost, onion, test) and their subdomains;
- sends domains containing ``xn--`` through an IDNA round trip (deferred here);
- checks lengths that ``EMAIL_PATTERN`` and the 254-character limit already guarantee
  (domain at most 253, labels at most 63, address at most 254 bytes).

The local part is limited to 64 characters only in ``strict`` mode since 2.3, but always
before; such local parts are deferred. So are all addresses while email-validator's
module-level defaults (``STRICT``, ``TEST_ENVIRONMENT``, ``GLOBALLY_DELIVERABLE``) are not
the shipped ones, and everything if the installed email-validator is not 2.x or its
IDNA mapping of ASCII is not a plain lower-casing. ``SPECIAL_USE_DOMAIN_NAMES`` and
``CASE_INSENSITIVE_MAILBOX_NAMES`` are read from the library on every call, so changes
to them apply here too. ``tests/test_fast_paths.py`` checks this against the library.
"""

from __future__ import annotations

import string
from types import ModuleType
from typing import Final, Literal

__all__ = ["KEPT_TLDS", "fast_email", "kept_as_written"]

_LETTERS: Final = frozenset(string.ascii_lowercase)
_LDH: Final = string.ascii_letters + string.digits + "-."
#: RFC 5321 local-part limit: checked always before email-validator 2.3, only if strict after.
_LOCAL_MAX: Final = 64


KEPT_TLDS: Final = ("com", "org", "net", "uk", "info", "scot", "wales", "cymru", "london")
"""Top-level domains of the addresses ``KEPT_EMAIL_PATTERN`` describes (none is a special-use
name as email-validator ships them)."""


class _State:
    """email-validator's modules, and a cache of its special-use names as suffixes."""

    def __init__(self, package: ModuleType, validate_module: ModuleType) -> None:
        self.package = package
        self.validate_module = validate_module
        self.special_key: list[object] | tuple[object, ...] | None = None
        self.special_suffixes: tuple[str, ...] = ()
        self.kept_key: list[object] | tuple[object, ...] | None = None
        self.kept_ok = False

    def suffixes(self) -> tuple[str, ...] | None:
        """``"." + name`` for each special-use name, or None if the list holds a non-str."""
        key = _names_key(self.package.SPECIAL_USE_DOMAIN_NAMES)
        if key != self.special_key:
            if not all(type(name) is str for name in key):
                return None
            self.special_suffixes = tuple("." + str(name) for name in key)
            self.special_key = _kept_copy(key)
        return self.special_suffixes


def _names_key(names: object) -> list[object] | tuple[object, ...]:
    """email-validator's special-use names, to compare with the ones last seen: a list (as
    shipped) as it is, which is compared with a copy kept of it (:func:`_kept_copy`), as
    it may change in place; anything else as a tuple."""
    return names if names.__class__ is list else tuple(names)  # type: ignore[arg-type]


def _kept_copy(key: list[object] | tuple[object, ...]) -> list[object] | tuple[object, ...]:
    return list(key) if key.__class__ is list else key


_state: _State | None = None
_disabled = False


def _load() -> _State | None:
    global _state, _disabled
    try:
        import importlib

        import email_validator
        import idna

        validate_module = importlib.import_module("email_validator.validate_email")
        major = int(str(email_validator.__version__).split(".", 1)[0])
        mapped = idna.uts46_remap(_LDH, std3_rules=False, transitional=False)
        if major != 2 or mapped != _LDH.lower():
            raise LookupError("unverified email-validator or idna behaviour")
        validate_module.CASE_INSENSITIVE_MAILBOX_NAMES  # noqa: B018 (must exist)
        email_validator.SPECIAL_USE_DOMAIN_NAMES  # noqa: B018
        _state = _State(email_validator, validate_module)
    except (ImportError, AttributeError, LookupError, ValueError, TypeError):
        _disabled = True
    return _state


def kept_as_written() -> bool:
    """True if email-validator, as it is set now, accepts every address matching
    ``KEPT_EMAIL_PATTERN`` and returns it unchanged.

    Such an address has a lower-case dot-atom local part of at most 63 characters (so no
    role name is lower-cased, and the 64-character limit of ``STRICT`` is met), lower-case
    letter-digit-hyphen labels without ``--`` (which IDNA leaves alone: checked at load),
    a top-level domain from :data:`KEPT_TLDS` and at most 254 characters: of the checks
    listed at the top of this module, only a special-use name could refuse it. So this is
    True while the fast path is on, the module-level settings are the shipped ones, and no
    special-use name has a dot or is one of :data:`KEPT_TLDS` (the names are compared with
    a copy on each call: they may change in place).
    """
    state = _state
    if state is None:
        if _disabled:
            return False
        state = _load()
        if state is None:
            return False
    package = state.package
    if getattr(package, "STRICT", False) or package.TEST_ENVIRONMENT:
        return False
    if not package.GLOBALLY_DELIVERABLE:
        return False
    key = _names_key(package.SPECIAL_USE_DOMAIN_NAMES)
    if key != state.kept_key:
        state.kept_ok = all(
            type(name) is str and "." not in name and name not in KEPT_TLDS for name in key
        )
        state.kept_key = _kept_copy(key)
    return state.kept_ok


def fast_email(value: str) -> str | Literal[False] | None:
    """Decide ``value`` as ``normalise_email`` would, without ``validate_email``.

    ``value`` must already match ``EMAIL_PATTERN`` and be at most 254 characters long.
    Returns the normalised address, ``False`` for an address email-validator rejects,
    or ``None`` when the caller must ask email-validator.
    """
    state = _state
    if state is None:
        if _disabled:
            return None
        state = _load()
        if state is None:
            return None
    package = state.package
    strict = getattr(package, "STRICT", False)  # no STRICT before 2.3
    if strict or package.TEST_ENVIRONMENT or not package.GLOBALLY_DELIVERABLE:
        return None
    local, _, domain = value.partition("@")
    if len(local) > _LOCAL_MAX:
        return None
    domain = domain.lower()
    if "--" in domain:
        for label in domain.split("."):
            if label[2:4] == "--" and label[:2] != "xn":
                return False  # an R-LDH label that is not Punycode
    if domain[-1] not in _LETTERS:
        return False  # not within a valid top-level domain
    suffixes = state.suffixes()
    if suffixes is None:
        return None
    if ("." + domain).endswith(suffixes):
        return False  # a special-use or reserved name
    if "xn--" in domain:
        return None  # IDNA round trip: left to email-validator
    lowered = local.lower()
    if lowered != local and lowered in state.validate_module.CASE_INSENSITIVE_MAILBOX_NAMES:
        local = lowered
    return local + "@" + domain
