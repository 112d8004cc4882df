"""The built site in a real browser: Debian's headless Chromium, driven by Playwright (never its own download)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .browser import serve
from .conftest import Built


@pytest.fixture(scope="module")
def server(built: Built) -> Iterator[str]:
    """The site on loopback, as a web server on the intranet would serve it."""
    with serve(built.site) as url:
        yield url


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


#: A cell's text, how many lines it takes and how many characters its last line holds, measured character by
#: character from the rendered boxes (a line is a distinct top).
LINES = """(cell) => {
  const tops = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) tops.push(Math.round(box.top / 4));
    }
  }
  const last = Math.max(...tops);
  return [cell.innerText.replace(/\\s+/g, ""), new Set(tops).size, tops.filter(t => t === last).length];
}"""


def cells(page: Any, selector: str) -> list[tuple[str, int, int]]:
    return [tuple(page.locator(selector).nth(i).evaluate(LINES)) for i in range(page.locator(selector).count())]


def test_the_measure_sees_a_label_stacked_one_character_per_line(page: Any) -> None:
    """The firing side of the next test: a narrow cell does stack 「完全不可能」, and LINES counts five lines."""
    page.set_content('<table><tr><td style="width:1em;font-size:14px">完全不可能</td></tr></table>')
    assert cells(page, "td") == [("完全不可能", 5, 1)]


def test_form_tables_take_the_whole_width_and_never_stack_a_label(page: Any, server: str) -> None:
    page.goto(f"{server}/2025-06/101/101-2025-001.html")
    article = page.locator("article").evaluate(
        "a => a.getBoundingClientRect().width - parseFloat(getComputedStyle(a).paddingLeft) - parseFloat(getComputedStyle(a).paddingRight)"
    )
    widths = page.locator(".dg-form table").evaluate_all("ts => ts.map(t => t.getBoundingClientRect().width)")
    assert len(widths) == 3 and all(w >= article - 2 for w in widths), (widths, article)
    measured = cells(page, ".dg-form th, .dg-form td")
    stacked = [(text, lines) for text, lines, _ in measured if len(text) > 1 and lines >= len(text)]
    assert not stacked, stacked
    orphans = [(text, lines) for text, lines, last in cells(page, ".dg-form th") if lines > 1 and last == 1]
    assert not orphans, orphans  # no header leaves one character alone on its last line (「1-6月下达/数」)
    whole = cells(page, ".dg-form th.dg-choice, .dg-form td.dg-nowrap")
    assert ("完全不可能", 1, 5) in whole and ("≥1000人", 1, 6) in whole  # short labels and values on one line
    assert all(lines == 1 for _, lines, _ in whole), whole
    assert not page.problems, page.problems


#: The boxes of a page that scroll sideways (overflow-x auto or scroll) and are narrower than what they hold.
SCROLLING = """() => [...document.querySelectorAll('article *')]
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth)
  .map(e => [e.className, e.scrollWidth, e.clientWidth])"""


def test_a_form_that_fits_shows_no_scrollbar_and_one_that_does_not_scrolls(browser: Any, server: str) -> None:
    """The identity and budget tables fit a 1280-pixel window: no scrollbar under them (Material's table box was
    16 px wider than the form's own); in a phone-wide window the same tables scroll instead of being cut."""
    for width, fits in ((1280, True), (420, False)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        tab.goto(f"{server}/2025-06/101/101-2025-001.html")
        scrolling = tab.evaluate(SCROLLING)
        clipped = tab.locator(".dg-form").evaluate_all(
            "fs => fs.filter(f => getComputedStyle(f).overflowX === 'hidden' && f.scrollWidth > f.clientWidth).length"
        )
        context.close()
        assert clipped == 0
        assert (scrolling == []) == fits, (width, scrolling)


def test_chart_value_labels_keep_clear_of_the_time_progress_line(page: Any) -> None:
    """Rendered at the chart's own 13px: a value just short of 序时进度 is written past the line, never across it."""
    from decimal import Decimal

    from docgen.site import charts

    bars = [charts.Bar(name, Decimal(value)) for name, value in (("甲", "46.48"), ("乙", "41.76"), ("丙", "26.79"), ("丁", "55.00"))]
    style = "<style>svg{width:730px;font-size:13px;font-family:sans-serif}</style>"
    boxes = """svg => { const line = svg.querySelector('line.dg-marker');
      const x = line ? line.x1.baseVal.value : null;
      return [x, [...svg.querySelectorAll('text.dg-value')].map(t => { const b = t.getBBox(); return [b.x, b.x + b.width]; })]; }"""
    page.set_content(style + charts.bar_chart(bars, marker=Decimal(50), marker_label="序时进度 50.00%"))
    marker, labels = page.locator("svg").evaluate(boxes)
    assert all(not (left - 2 <= marker <= right + 2) for left, right in labels), (marker, labels)
    # the firing side: without the line to avoid, 46.48% sits where the line would cross it
    page.set_content(style + charts.bar_chart(bars))
    _, unmoved = page.locator("svg").evaluate(boxes)
    assert unmoved[0][0] < marker < unmoved[0][1]
