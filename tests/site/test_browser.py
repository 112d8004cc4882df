"""The built site in a real browser: Debian's headless Chromium, driven by Playwright (never its own download)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, FLAGS, serve
from .conftest import Built


@pytest.fixture(scope="module")
def server(built: Built) -> Iterator[str]:
    """The site on loopback, as a web server on the intranet would serve it."""
    with serve(built.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (Debian package `chromium`; .ci/run installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def search(page: Any, query: str) -> None:
    """Type a query as a person would: Material searches on key-up, which fill() alone does not send."""
    page.click("label.md-search__icon, input.md-search__input")
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    tab.on(
        "requestfailed",
        lambda request: tab.problems.append(f"failed: {request.url} {request.failure}") if request.failure != "net::ERR_ABORTED" else None,
    )  # aborted: a load cut short by following a link
    yield tab
    context.close()


def test_dashboard_to_project_history(page: Any, server: str) -> None:
    page.goto(f"{server}/2025-06/index.html")
    assert "还剩 11 天" in page.inner_text("article")
    page.click("article a:text('朔州市教育局')")
    page.wait_for_url("**/2025-06/101/index.html")
    page.click("article a:text('城乡义务教育家庭经济困难学生生活补助')")
    page.wait_for_url("**/2025-06/101/101-2025-001.html")
    timeline = page.inner_text("ol.dg-timeline")
    assert "资金·中央财政资金·支出数 60.20 → 95.00" in timeline
    assert "新增绩效指标「补助发放及时率」" in timeline
    assert not page.problems, page.problems


def test_chinese_search_finds_the_project(page: Any, server: str) -> None:
    page.goto(f"{server}/index.html")
    search(page, "生活补助")
    result = page.wait_for_selector(".md-search-result__item a[href*='101-2025-001']", timeout=15000)
    assert "生活补助" in result.inner_text().replace("\u200b", "")  # Material shows the index's word breaks
    result.click()
    page.wait_for_url("**/101-2025-001.html*")
    assert not page.problems, page.problems


def test_project_table_sorts(page: Any, server: str) -> None:
    page.goto(f"{server}/2025-06/101/index.html")
    header = page.locator(".dg-sortable th", has_text="项目代码")
    header.click()
    assert header.get_attribute("aria-sort") in ("ascending", "descending")
    codes = page.locator(".dg-sortable tbody tr td:first-child").all_inner_texts()
    assert codes == sorted(codes) or codes == sorted(codes, reverse=True)
    assert not page.problems, page.problems


def test_search_works_from_the_file_system(page: Any, built: Built) -> None:
    """Handed out as a zip and opened from a folder: the offline plugin's inlined index and the local iframe-worker."""
    page.goto((built.site / "index.html").as_uri())
    search(page, "生活补助")
    result = page.wait_for_selector(".md-search-result__item a[href*='101-2025-001']", timeout=15000)
    assert result is not None
