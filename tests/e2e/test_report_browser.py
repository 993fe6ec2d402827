"""The validation report opened in headless Chromium from a file:// URL with networking off.

Chromium comes from the system package (``apt-get install chromium``), never from
``playwright install``. Outside CI the test is skipped when Chromium or the Playwright
package is missing; under CI=true that fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from creditline.clock import FixedClock
from creditline.policy import load_policy
from creditline.report import write_report
from creditline.report.charts import CHART_IDS
from creditline.service.challenger import train_challenger
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.service.review import propose_review
from creditline.store.db import make_engine, upgrade
from tests.factories import write_policy, write_portfolio

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false, or fail under CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; the browser test must run under CI")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Write the report of a scorecard with a challenger and a review batch on 300 synthetic lines."""
    folder = tmp_path_factory.mktemp("report")
    engine = make_engine(f"sqlite:///{folder / 'creditline.db'}")
    upgrade(engine)
    clock = FixedClock(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    import_folder(engine, write_portfolio(folder / "in", 300), clock)
    trained = train_scorecard(engine, clock, trained_by="analyst")
    train_challenger(engine, clock, trained_by="analyst")
    policy_path = write_policy(folder)
    propose_review(engine, load_policy(policy_path), policy_path.read_text(encoding="utf-8"), clock, proposed_by="analyst")
    path = folder / "report.html"
    write_report(engine, trained.model.model_version, path, clock)
    engine.dispose()
    yield path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}; install it with apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright package is not installed; pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, report_path: Path) -> Iterator[tuple[object, list[str], list[str]]]:
    """Open the report offline; yield the page, the blocked request URLs and the page errors."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def only_files(route, request) -> None:
        if request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(request.url)
            route.abort()

    page.route("**/*", only_files)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report_path.as_uri())
    yield page, blocked, errors
    context.close()


def test_report_makes_no_network_request(page) -> None:
    view, blocked, errors = page
    view.wait_for_load_state("load")
    assert blocked == []
    assert errors == []


def test_every_chart_is_drawn(page) -> None:
    view, blocked, _ = page
    for chart_id in CHART_IDS:
        chart = view.locator(f"svg#{chart_id}")
        assert chart.is_visible(), chart_id
        box = chart.bounding_box()
        assert box is not None, chart_id
        assert box["width"] > 0, chart_id
        assert box["height"] > 0, chart_id
        assert chart.locator("polyline, circle, rect").count() >= 3, chart_id
    overlay_curves = view.locator("svg#chart-roc-challenger polyline").count()
    assert overlay_curves == 3  # chance diagonal, scorecard, challenger
    assert blocked == []


def test_language_toggle_switches_texts(page, tmp_path: Path) -> None:
    view, blocked, errors = page
    heading = view.locator("h1")
    assert heading.inner_text().startswith("评分卡验证报告 · sc-")
    assert view.locator("html").get_attribute("lang") == "zh-CN"
    assert view.locator("svg#chart-ks text.zh.legend").first.is_visible()
    assert not view.locator("svg#chart-ks text.en.legend").first.is_visible()

    view.click("#lang-toggle")

    assert heading.inner_text().startswith("Scorecard validation report · sc-")
    assert view.locator("html").get_attribute("lang") == "en"
    assert view.title().startswith("Scorecard validation report")
    assert view.locator("svg#chart-ks text.en.legend").first.is_visible()
    assert not view.locator("svg#chart-ks text.zh.legend").first.is_visible()
    assert view.locator("#lang-toggle").inner_text() == "中文"
    view.screenshot(path=str(tmp_path / "report-en.png"), full_page=True)

    view.click("#lang-toggle")

    assert heading.inner_text().startswith("评分卡验证报告")
    assert view.locator("#lang-toggle").inner_text() == "English"
    assert blocked == []
    assert errors == []
