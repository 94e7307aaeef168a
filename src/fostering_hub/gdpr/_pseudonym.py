"""Keyed pseudonyms: the same identifier and key always give the same pseudonym.

A pseudonym is HMAC-SHA256 over the identifier (and the kind of identifier, so that an
enquiry id and a handover id that happen to be equal get different pseudonyms), keyed
with a secret the hub holds, cut to ``length`` hex digits and prefixed. Without the key
nobody can recompute or reverse it; with it, the hub can join pseudonymised extracts
across runs. Pseudonymised data is still personal data while the key exists (UK GDPR
recital 26, ICO guidance on pseudonymisation): keep the key apart from the extracts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping

import attrs

MIN_KEY_BYTES = 16
"""The shortest pseudonymisation key accepted, in bytes (128 bits)."""
DEFAULT_KEY_VARIABLE = "FOSTERING_HUB_PSEUDONYM_KEY"
"""The environment variable the pseudonymisation key is read from by default."""
_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,15}$")


def _check_key(instance: object, attribute: object, value: bytes) -> None:
    if not isinstance(value, bytes):
        raise TypeError("the pseudonym key must be bytes")
    if len(value) < MIN_KEY_BYTES:
        raise ValueError(f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes")


def _check_prefix(instance: object, attribute: object, value: str) -> None:
    if not _PREFIX_RE.fullmatch(value):
        raise ValueError("the prefix must be 1-16 letters, digits, '.', '_', ':' or '-'")


def _check_length(instance: object, attribute: object, value: int) -> None:
    if not 16 <= value <= 64:
        raise ValueError("the pseudonym length must be 16 to 64 hex digits")


@attrs.frozen(repr=False)
class Pseudonymiser:
    """Turns identifiers into keyed pseudonyms (``ps-`` and 24 hex digits by default).

    >>> p = Pseudonymiser(b"a hub secret of sixteen bytes or more")
    >>> p("NE-2024-000001") == p("NE-2024-000001")
    True
    >>> p("NE-2024-000001").startswith("ps-")
    True

    The key never appears in ``repr`` or in any message.
    """

    key: bytes = attrs.field(validator=_check_key)
    prefix: str = attrs.field(default="ps-", validator=_check_prefix)
    length: int = attrs.field(default=24, validator=_check_length)

    @classmethod
    def from_env(
        cls,
        variable: str = DEFAULT_KEY_VARIABLE,
        environ: Mapping[str, str] | None = None,
        *,
        prefix: str = "ps-",
        length: int = 24,
    ) -> Pseudonymiser:
        """The key from an environment variable (its text, UTF-8 encoded).

        Raises ``KeyError`` if the variable is unset and ``ValueError`` if it is too short;
        neither message shows the value.
        """
        env = os.environ if environ is None else environ
        if variable not in env:
            raise KeyError(f"environment variable {variable} is not set")
        return cls(env[variable].encode("utf-8"), prefix=prefix, length=length)

    def __call__(self, value: str, kind: str = "id") -> str:
        """The pseudonym of ``value``; ``kind`` (e.g. ``"enquiry_id"``) separates namespaces."""
        message = f"{kind}\x00{value}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).hexdigest()
        return f"{self.prefix}{digest[: self.length]}"

    def __repr__(self) -> str:
        return f"Pseudonymiser(key=<hidden>, prefix={self.prefix!r}, length={self.length})"
