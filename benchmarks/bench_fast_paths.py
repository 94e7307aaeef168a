"""Phone and email checks: the libraries alone vs the fast paths in front of them.

For each typical input, prints microseconds per call of

(a) the library path: the code ``normalise_uk_phone`` / ``normalise_email`` had before
    the fast paths (input pattern, then ``phonenumbers.parse`` + ``is_valid_number`` +
    ``format_number``, or ``email_validator.validate_email``);
(b) ``normalise_uk_phone`` / ``normalise_email`` as they are now (input pattern, then
    ``_phone_fast`` / ``_email_fast``, the library only for inputs those defer);

and the ratio (a) / (b). Each figure is the best of 5 timed runs after a warm-up, with
the garbage collector paused while timing. The two paths must agree on every input; the
script says so if they do not (``tests/test_fast_paths.py`` checks this properly).

Run: ``python benchmarks/bench_fast_paths.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable

from fostering_hub.models import normalise_email, normalise_uk_phone
from fostering_hub.models._email import library_email
from fostering_hub.models._phone import library_uk_phone

PHONES = [
    ("landline, national", "0191 498 0123"),
    ("landline, London", "020 7946 0123"),
    ("mobile, national", "07911 123456"),
    ("mobile, compact", "07911123456"),
    ("E.164", "+441914980123"),
    ("international, (0)", "+44 (0)191 498 0123"),
    ("freephone 0800", "0800 123 4567"),
    ("invalid: drama mobile", "07700 900123"),
    ("invalid: too short", "0191 498 012"),
    ("invalid: other country", "+33 1 23 45 67 89"),
]
EMAILS = [
    ("plain", "jo.bloggs@example.com"),
    ("mixed case", "Jo.Bloggs@Example.COM"),
    ("plus tag, gov.uk", "jo+handover@council.gov.uk"),
    ("role name", "Info@fostering.example.org"),
    ("invalid: .local", "jo@hub.local"),
    ("invalid: numeric TLD", "jo@example.123"),
]


library_phone = library_uk_phone


def verdict(function: Callable[[str], str], value: str) -> str:
    try:
        return function(value)
    except ValueError:
        return "(rejected)"


def per_call_us(function: Callable[[str], str], value: str, calls: int) -> float:
    """Best of 5 runs of ``calls`` calls, in microseconds per call."""
    verdict(function, value)  # warm-up, and first-use loading
    best = float("inf")
    gc.disable()
    try:
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls):
                try:  # noqa: SIM105 (contextlib.suppress would add to every timed call)
                    function(value)
                except ValueError:
                    pass
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best / calls * 1e6


def report(
    title: str,
    cases: list[tuple[str, str]],
    library: Callable[[str], str],
    fast: Callable[[str], str],
    calls: int,
) -> list[float]:
    print(f"\n{title}")
    print(f"{'input':<44} {'library us':>10} {'fast us':>8} {'ratio':>7}  result")
    ratios = []
    for label, value in cases:
        expected, got = verdict(library, value), verdict(fast, value)
        slow_us = per_call_us(library, value, calls)
        fast_us = per_call_us(fast, value, calls)
        ratios.append(slow_us / fast_us)
        note = got if got == expected else f"MISMATCH: library {expected}, fast {got}"
        shown = f"{label}: {value}"
        print(f"{shown:<44} {slow_us:>10.2f} {fast_us:>8.2f} {ratios[-1]:>6.1f}x  {note}")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls per timing")
    args = parser.parse_args()
    calls = 300 if args.quick else 3000
    phone = report("UK phone numbers", PHONES, library_phone, normalise_uk_phone, calls)
    email = report("Email addresses", EMAILS, library_email, normalise_email, calls)
    print()
    for name, ratios in (("phone", phone), ("email", email)):
        print(
            f"{name}: fast path {min(ratios):.1f}x to {max(ratios):.1f}x faster "
            f"(mean of ratios {sum(ratios) / len(ratios):.1f}x)"
        )


if __name__ == "__main__":
    main()
