"""A fast path for :func:`~fostering_hub.models._phone.normalise_uk_phone`.

``phonenumbers.parse`` followed by ``is_valid_number`` costs about 40 us a call, most of
it in generic machinery (RFC 3966 and extension handling, vanity numbers, PhoneNumber
objects) that cannot apply to the texts ``PHONE_INPUT_PATTERN`` lets through: an
optional ``+``, then ASCII digits, spaces, hyphens and parentheses. For those texts this
module replays, step for step, what ``phonenumbers`` does with region "GB", using the
library's own metadata (read on first use, never copied):

1. **Parsing.** Separators are dropped, as ``phonenumbers`` normalises them away.
   With a ``+``: digits starting ``44`` give country code 44 (``4`` on its own is not a
   calling code, so no other code can win); any other start but ``0`` is another
   country or none, so rejected. ``+0...`` has no calling code, so ``parse`` retries
   without the ``+``, where only an international prefix can still give one (which is
   how ``+0044 191 ...`` ends up valid). Without a ``+``: the GB international prefix
   (``00``, unless followed by another ``0``) is handled like ``+``; digits starting
   ``44`` go through the library's "number starts with the default country code" test
   (so ``44 191 ...`` is +44 too); everything else is a national number.
2. **National prefix.** The GB ``national_prefix_for_parsing`` (``0|180020``) is
   stripped exactly as ``_maybe_strip_national_prefix_carrier_code`` does, and kept
   only if ``_test_number_length`` accepts the stripped number (which is why
   ``+44 (0) 191 ...`` and ``+440 191 ...`` mean ``+44 191 ...``, and why
   ``180020 191 ...``, BT's old carrier-select prefix, does too).
3. **Validity.** ``is_valid_number`` walks the regions of code 44 (GB, GG, IM, JE):
   a region with ``leading_digits`` (IM) claims a number by prefix, the others by
   having a known number type. A number type is known when the national significant
   number matches the general description and at least one type description (length
   and pattern), which is precompiled here per length: as two of pydantic-core's
   (Rust) regular expressions, one for the general description and one for the types,
   or, where those do not compile, as one Python pattern.

The result is ``"+44"`` plus the national significant number, which is what
``format_number(..., E164)`` returns. If the metadata does not have the shape this
replay relies on (a national-prefix transform rule for GB, a calling code ``4``,
regions whose code is not 44, ...), the fast path turns itself off and every call is
deferred to ``phonenumbers``; otherwise it decides every input itself. The parsing code
replayed here is the same in phonenumbers 8.13 and 9.0. ``tests/test_fast_paths.py``
checks the replay against the library on generated and real-looking numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal

from pydantic_core import SchemaError, SchemaValidator, core_schema

__all__ = ["fast_uk_phone"]


# ``_test_number_length`` results that make ``parse`` keep the national prefix.
_KEEP_PREFIX: Final = frozenset({"too_short", "local_only", "invalid_length"})
# phonenumbers' _MIN_LENGTH_FOR_NSN and _MAX_LENGTH_FOR_NSN: ``parse`` raises outside them.
_MIN_NSN: Final = 2
_MAX_NSN: Final = 17
# The type descriptions ``_number_type_helper`` looks at (mobile separately).
_TYPE_DESCS: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


class _Desc:
    """A PhoneNumberDesc reduced to what ``_match_national_number`` needs."""

    __slots__ = ("lengths", "local", "pattern")

    def __init__(self, desc: Any) -> None:
        pattern = desc.national_number_pattern if desc is not None else None
        self.pattern: str | None = pattern if pattern else None
        self.lengths: tuple[int, ...] = tuple(desc.possible_length) if desc is not None else ()
        self.local: tuple[int, ...] = (
            tuple(desc.possible_length_local_only) if desc is not None else ()
        )


class _Region:
    """One region of calling code 44: how it claims a number and when a number is valid."""

    __slots__ = ("known_by_length", "leading", "valid_by_length")

    def __init__(self, metadata: Any) -> None:
        leading = metadata.leading_digits
        self.leading: re.Pattern[str] | None = re.compile(leading) if leading is not None else None
        general = _Desc(metadata.general_desc)
        descs = [_Desc(getattr(metadata, name, None)) for name in _TYPE_DESCS]
        if not metadata.same_mobile_and_fixed_line_pattern:
            descs.append(_Desc(metadata.mobile))
        # The most common types first: an alternation fullmatches when any branch does,
        # in whatever order they are tried.
        descs.reverse()
        # valid_by_length[n] fullmatches a national significant number of length n exactly
        # when _number_type_helper would return something other than UNKNOWN;
        # known_by_length[n] is the same test as two (see _full_matches).
        self.valid_by_length: dict[int, re.Pattern[str]] = {}
        self.known_by_length: dict[int, _Tests] = {}
        if general.pattern is None:
            return
        for length in range(_MIN_NSN, _MAX_NSN + 1):
            if general.lengths and length not in general.lengths:
                continue
            types = [
                f"(?:{d.pattern})"
                for d in descs
                if d.pattern is not None and (not d.lengths or length in d.lengths)
            ]
            if types:
                either = "|".join(types)
                pattern = re.compile(rf"(?=(?:{general.pattern})\Z)(?:{either})")
                self.valid_by_length[length] = pattern
                self.known_by_length[length] = _full_matches(general.pattern, either, pattern)

    def type_known(self, nsn: str) -> bool:
        tests = self.known_by_length.get(len(nsn))
        return tests is not None and bool(tests[0](nsn)) and bool(tests[1](nsn))


_Tests = tuple[Callable[[str], object], Callable[[str], object]]


def _full_matches(general: str, types: str, pattern: re.Pattern[str]) -> _Tests:
    """Two tests whose results are both true exactly when ``pattern`` (``general`` as a
    look-ahead, then ``types``) matches a text in full.

    Rust's regular expressions (pydantic-core's) take each pattern separately, in about
    half the time of Python's ``re`` on the whole (they have no look-ahead). Where they
    cannot compile one, ``pattern`` itself, and a test that is always true.
    """
    try:
        tests = tuple(
            SchemaValidator(
                core_schema.str_schema(strict=True, pattern=f"^(?:{part})$")
            ).isinstance_python
            for part in (general, types)
        )
    except SchemaError:
        return pattern.fullmatch, _always
    return tests[0], tests[1]


def _always(text: str) -> bool:
    return True


class _Plan:
    """Everything the fast path needs, built once from phonenumbers' metadata."""

    def __init__(self, phonenumbers: Any) -> None:
        gb = phonenumbers.PhoneMetadata.metadata_for_region("GB")
        regions: Sequence[str] = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(44, ())
        if gb is None or gb.country_code != 44 or not regions or regions[0] != "GB":
            raise LookupError("unexpected GB metadata")
        if gb.national_prefix_transform_rule or not gb.international_prefix:
            raise LookupError("unexpected GB national or international prefix")
        if 4 in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            raise LookupError("calling code 4 exists")
        general = _Desc(gb.general_desc)
        if not general.lengths or general.lengths[0] == -1 or general.pattern is None:
            raise LookupError("unexpected GB general description")
        self.general_re = re.compile(f"(?:{general.pattern})")
        self.general_lengths = general.lengths
        self.general_local = general.local
        self.idd_re = re.compile(gb.international_prefix)
        prefix = gb.national_prefix_for_parsing
        self.prefix_re: re.Pattern[str] | None = re.compile(prefix) if prefix else None
        self.regions: list[_Region] = []
        for code in regions:
            metadata = phonenumbers.PhoneMetadata.metadata_for_region(code.upper(), None)
            if metadata is None:  # _region_code_for_number_from_list skips these too
                continue
            if metadata.country_code != 44:
                raise LookupError("region of calling code 44 with another code")
            self.regions.append(_Region(metadata))
        if len(regions) == 1:  # region_code_for_number then ignores leading digits
            self.regions[0].leading = None
        # For :meth:`_usual`: GB itself when it claims numbers by type (no leading digits),
        # and the lengths for which ``parse`` keeps a stripped national prefix off.
        first = self.regions[0] if self.regions else None
        self.first_region = first if first is not None and first.leading is None else None
        self.strip_lengths = frozenset(
            n
            for n in range(_MIN_NSN, _MAX_NSN + 1)
            if self.length_verdict("0" * n) not in _KEEP_PREFIX
        )
        # :meth:`_usual`'s first test, for :meth:`normalise` to make inline: GB's type
        # patterns by length, for a number without a national prefix (``unprefixed``) and
        # for the rest after one (``after_prefix``; the lengths ``parse`` keeps it off).
        known = self.first_region.known_by_length if self.first_region and prefix else {}
        self.unprefixed = {n: p for n, p in known.items() if _MIN_NSN <= n <= _MAX_NSN}
        self.after_prefix = {n: p for n, p in known.items() if n in self.strip_lengths}
        # For :meth:`normalise`: whether a text starting with "0" and then another digit
        # is a national number whose prefix is that "0" (the international prefix is
        # "00" and the national prefix's first alternative is "0"; regular expressions
        # match their alternatives left to right).
        self.zero_prefix = (
            gb.international_prefix == "00"
            and prefix is not None
            and prefix.split("|", 1)[0] == "0"
        )

    # -- replicas of phonenumbers' private helpers, for region GB --------------------

    def matches_general(self, number: str) -> bool:
        """``_match_national_number(number, general_desc, False)``."""
        return self.general_re.fullmatch(number) is not None

    def length_verdict(self, number: str) -> str:
        """``_test_number_length(number, metadata)`` for the default number type."""
        lengths = self.general_lengths
        actual = len(number)
        if actual in self.general_local:
            return "local_only"
        if lengths[0] == actual:
            return "possible"
        if lengths[0] > actual:
            return "too_short"
        if lengths[-1] < actual:
            return "too_long"
        return "possible" if actual in lengths[1:] else "invalid_length"

    def strip_national_prefix(self, number: str) -> str:
        """``_maybe_strip_national_prefix_carrier_code`` (no transform rule), number only."""
        if not number or self.prefix_re is None:
            return number
        match = self.prefix_re.match(number)
        if match is None:
            return number
        rest = number[match.end() :]
        # phonenumbers keeps the prefix when the number matches the general description
        # and the rest does not; the rest is tested first, as it usually matches.
        if not self.matches_general(rest) and self.matches_general(number):
            return number
        return rest

    def national_significant_number(self, number: str) -> str | None:
        """The end of ``parse`` once the country code is 44; None where it raises."""
        if len(number) < _MIN_NSN:
            return None
        stripped = self.strip_national_prefix(number)
        if self.length_verdict(stripped) not in _KEEP_PREFIX:
            number = stripped
        if len(number) > _MAX_NSN:
            return None
        return number

    def is_valid(self, nsn: str) -> bool:
        """``is_valid_number`` for a number with country code 44."""
        for region in self.regions:
            if region.leading is not None:
                if region.leading.match(nsn):
                    return region.type_known(nsn)
            elif region.type_known(nsn):
                return True
        return False

    # -- the fast path -----------------------------------------------------------------

    def normalise(self, value: str) -> str | Literal[False] | None:
        """E.164 text, False for a rejection, None to defer to phonenumbers."""
        # Drop what phonenumbers strips as punctuation among the characters the input
        # pattern allows (chained replace is quicker than str.translate).
        text = value.replace(" ", "").replace("(", "").replace(")", "").replace("-", "")
        if text[0] == "0" and text[1] != "0" and self.zero_prefix:
            # The usual national number: no international prefix, no "44" start; what
            # ``_finish(text)`` gives, with the prefix "0" known to match. The first test
            # of ``_usual(text, 1)`` is made here: most numbers pass it.
            nsn = text[1:]
            known = self.after_prefix.get(len(nsn))
            if known is not None and known[0](nsn) and known[1](nsn):
                return "+44" + nsn
            usual = self._usual(text, 1)
            return self._finish(text) if usual is None else usual
        plus = text[0] == "+"
        if plus:
            text = text[1:]
            if len(text) <= 2:
                return False  # TOO_SHORT_AFTER_IDD
            if text[0] != "0":
                if not text.startswith("44"):
                    return False  # another calling code, or none
                # ``_finish``, with the first test of ``_usual`` made here (for a number
                # written without a national prefix after +44, as most are)
                national = text[2:]
                known = self.unprefixed.get(len(national))
                prefix = self.prefix_re
                if (
                    known is not None
                    and prefix is not None
                    and known[0](national)
                    and known[1](national)
                    and prefix.match(national) is None
                ):
                    return "+44" + national
                return self._finish(national)
            # "+0..." is no calling code: parse then retries without the "+", where only
            # an international prefix ("+0044 ...") can still give a calling code.
        idd = self.idd_re.match(text)
        if idd is not None and text[idd.end() : idd.end() + 1] != "0":
            full = text[idd.end() :]
            if len(full) <= 2 or not full.startswith("44"):
                return False  # too short after the IDD, or another calling code
            return self._finish(full[2:])
        if plus:
            return False  # "Could not interpret numbers after plus-sign."
        if text.startswith("44"):
            # _maybe_extract_country_code: a national number starting with "44" is read as
            # +44 if that fits the general description better, or if it is too long.
            rest = self.strip_national_prefix(text[2:])
            if (
                not self.matches_general(text) and self.matches_general(rest)
            ) or self.length_verdict(text) == "too_long":
                return self._finish(rest)
        return self._finish(text)

    def _usual(self, number: str, end: int | None = None) -> str | Literal[False] | None:
        """What :meth:`_finish` returns for a number whose national significant number
        (after a national prefix, if one is written) matches GB's general description,
        as most do; None (not decided) for the others. ``end`` is where the national
        prefix ends, if known to match.

        Such a number has ``strip_national_prefix`` strip the prefix, and
        ``national_significant_number`` keep it off when the rest's length allows
        (``strip_lengths``); ``is_valid`` then asks the regions in turn: GB first (a known
        type decides), then the others.
        """
        region = self.first_region
        prefix = self.prefix_re
        if region is None or prefix is None:
            return None
        if end is None:
            match = prefix.match(number)
            end = 0 if match is None else match.end()
        if not end:
            nsn = number
            if not _MIN_NSN <= len(nsn) <= _MAX_NSN:
                return None
        else:
            nsn = number[end:]
            if len(nsn) not in self.strip_lengths or len(number) < _MIN_NSN:
                return None
        if region.type_known(nsn):
            return "+44" + nsn
        if not self.matches_general(nsn):
            return None
        for other in self.regions[1:]:  # is_valid after GB (which has no leading digits)
            if other.leading is not None:
                if other.leading.match(nsn):
                    return "+44" + nsn if other.type_known(nsn) else False
            elif other.type_known(nsn):
                return "+44" + nsn
        return False

    def _finish(self, national: str) -> str | Literal[False]:
        usual = self._usual(national)
        if usual is not None:
            return usual
        nsn = self.national_significant_number(national)
        if nsn is None or not self.is_valid(nsn):
            return False
        return "+44" + nsn


_plan: _Plan | None = None
_disabled = False


def _load() -> _Plan | None:
    global _plan, _disabled
    try:
        import phonenumbers

        _plan = _Plan(phonenumbers)
    except (LookupError, AttributeError, TypeError, re.error):
        _disabled = True
    return _plan


def fast_uk_phone(value: str) -> str | Literal[False] | None:
    """Decide ``value`` as ``normalise_uk_phone`` would, without ``phonenumbers.parse``.

    ``value`` must already match ``PHONE_INPUT_PATTERN``. Returns the E.164 text of a valid
    UK number, ``False`` for a text ``phonenumbers`` rejects, or ``None`` when the caller
    must ask ``phonenumbers`` (rare shapes such as ``+0044 ...``, or metadata this fast
    path does not understand).
    """
    plan = _plan
    if plan is None:
        if _disabled:
            return None
        plan = _load()
        if plan is None:
            return None
    return plan.normalise(value)
