"""Playwright driving Debian's Chromium (headless, --no-sandbox) against a live test server.

Browser tests run wherever a Chromium binary is found (``chromium`` on PATH, or
``ONETHING_CHROMIUM``). Elsewhere they are skipped with a notice — unless
``ONETHING_REQUIRE_BROWSER=1`` (set by .ci/run), which turns the skip into a failure.
Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(os.environ.get("ONETHING_ARTIFACTS", "test-artifacts")) / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str | None:
    return (
        os.environ.get("ONETHING_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "Chromium not found: browser tests skipped (install Debian's chromium)"
        if os.environ.get("ONETHING_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " — ONETHING_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # lets axe-core inject its script; the pages' own CSP is tested elsewhere
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def accessible():
    """Run axe-core on a page and fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        serious = [
            v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}
        ]
        assert not serious, "\n".join(
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in serious
        )

    return check


@pytest.fixture
def coming_years_entered(transactional_db):
    """Deadlines counted from late December run into next year, which chinesecalendar knows only
    from its release after the State Council's notice. Until then the platform says the year is
    not known yet (``core.workdays``) and operators enter the notice as ``WorkdayOverride`` rows.
    For a year the library does not know, these tests enter the one holiday the law itself
    fixes (元旦, 1 January: 《全国年节及纪念日放假办法》第二条), so that the deadlines they
    follow are dates whatever day they run on."""
    import datetime as dt

    import chinese_calendar
    from django.utils import timezone

    from onething.core.models import WorkdayOverride
    from onething.core.workdays import overrides_changed

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            WorkdayOverride.objects.get_or_create(
                date=dt.date(year, 1, 1),
                defaults={
                    "is_workday": False,
                    "name": "元旦",
                    "source": "《全国年节及纪念日放假办法》第二条（浏览器测试）",
                },
            )
    overrides_changed()
    yield
    overrides_changed()  # the rows go with the test's database


@pytest.fixture
def demo_platform(transactional_db, coming_years_entered):
    from onething.accounts.demo import load_demo
    from onething.catalog.loader import load_catalog
    from onething.org.loader import load_org

    load_org()
    load_catalog()
    load_demo()
