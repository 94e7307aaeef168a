"""The demo's HTML report, opened in a real browser: headless Chromium (Debian's
``chromium`` package at /usr/bin/chromium) driven by Playwright, no browser download.

Never skipped: ``make test`` installs Chromium first (``make chromium``) and a missing
browser fails here, loudly. A full-page screenshot is saved to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fostering_hub.cli import main

CHROMIUM = Path(os.environ.get("FOSTERING_HUB_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
#: Chromium's own network chatter is refused by a closed network: keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--enquiries", "600", "--seed", "11", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium package) "
        "or set FOSTERING_HUB_CHROMIUM to a Chromium binary"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def test_report_renders_in_chromium_without_console_errors(demo: Path, browser: object) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}")
            if m.type
            in (
                "error",
                "warning",
            )
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((demo / "report.html").as_uri(), wait_until="load")

    # The charts: funnel, SLA by LA, three KPI trends, allocation; each an inline SVG
    # with drawn content.
    for chart in (
        "funnel",
        "sla",
        "trend-enquiries",
        "trend-first_contact_sla_rate",
        "trend-handovers",
        "allocation",
    ):
        svg = page.locator(f"#chart-{chart} svg")
        assert svg.count() == 1, chart
        box = svg.bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 150
        assert page.locator(f"#chart-{chart} svg path").count() > 10, chart
    # The tables, with rows.
    for table, at_least in (
        ("funnel", 7),
        ("sla", 12 * 3),
        ("kpis", 12),
        ("allocation", 12),
        ("broken", 5),
        ("retention", 1),
    ):
        rows = page.locator(f"#table-{table} tbody tr").count()
        assert rows >= at_least, (table, rows)
    # Every member LA appears in the SLA table.
    sla_text = page.locator("#table-sla").inner_text()
    for name in ("County Durham", "Hartlepool", "Sunderland", "Northumberland"):
        assert name in sla_text
    broken = page.locator("#table-broken").inner_text()
    for code in ("FH-H001", "FH-H002", "FH-H008", "FH-H012"):
        assert code in broken
    assert page.title().startswith("Foster with North East")

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "demo-report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 50_000
    page.close()

    assert problems == []
    # Self-contained: the page asked for nothing but itself.
    assert requests == [(demo / "report.html").as_uri()]


def test_report_holds_no_personal_data(demo: Path) -> None:
    report = (demo / "report.html").read_text(encoding="utf-8")
    people = 0
    for line in (demo / "enquiries.ndjson").read_text(encoding="utf-8").splitlines():
        for applicant in json.loads(line)["applicants"]:
            people += 1
            full_name = f"{applicant['first_name']} {applicant['last_name']}"
            assert full_name not in report
            for key in ("email", "phone"):
                if applicant.get(key):
                    assert applicant[key] not in report
            if applicant.get("address"):
                assert applicant["address"]["postcode"] not in report
                assert applicant["address"]["line1"] not in report
            if applicant.get("date_of_birth"):
                assert applicant["date_of_birth"] not in report
    assert people >= 600
    # No scripts, no external resources.
    assert "<script" not in report
    assert not re.search(r"""(src|href)=["']?https?:""", report)
