"""Issue 17's "Done when", walked end to end on examples/review-loop: built, fed back and published as a 财政局
reviewer would (`docgen build`, `docgen feedback`, `docgen site`), then read in headless Chromium: a 退回 submission
held out of its bundle, a department's feedback letter, a 整改台账 with an overdue item, a late submitter, the red
list and a trend chart."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.cli import cli
from tests.history.gitrepo import review_loop_repo

from .browser import serve

RETURNED = "101-2025-002"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root: Path = review_loop_repo(tmp_path_factory.mktemp("walk") / "repo")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)  # the site is published from main
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)  # each period's documents dated on its last day
        for args in (["build"], ["feedback"], ["site", "--today", "2025-11-10"]):
            done = CliRunner().invoke(cli, [*args, "--root", str(root)], catch_exceptions=False)
            assert done.exit_code == 0, done.output
    return root


def _rows(page: Any, heading: str) -> list[str]:
    """The rows of the first table after the section `heading`."""
    rows: list[str] = page.locator(f"h2:text-is('{heading}') ~ div table").first.locator("tbody tr").all_inner_texts()
    return rows


def _fetch(page: Any, url: str) -> bytes:
    body: bytes = page.request.get(url).body()
    return body


def test_done_when_on_the_review_loop_demo(demo: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    with serve(demo / "site") as url:
        # 1. a 退回 submission held out of its bundle: said on the department page, and true of the published .zip
        page.goto(f"{url}/2025-06/101/index.html")
        text = page.inner_text("article")
        assert "未列入报送包" in text and f"{RETURNED} 朔州市第一中学教学楼抗震加固改造工程" in text
        bundle = page.locator("a:has-text('报送包 .zip')")
        with zipfile.ZipFile(io.BytesIO(_fetch(page, f"{url}/2025-06/101/{bundle.get_attribute('href')}"))) as zipped:
            names = zipped.namelist()
            index = next(zipped.read(n).decode("utf-8-sig") for n in names if n.endswith("目录.txt"))
        assert not [n for n in names if RETURNED in n] and RETURNED in index and "退回" in index
        # 2. the department's feedback letter, a Word document naming the returned project and why
        letter = page.locator("a:has-text('审核结果反馈（.docx）')")
        with zipfile.ZipFile(io.BytesIO(_fetch(page, f"{url}/2025-06/101/{letter.get_attribute('href')}"))) as docx:
            body = docx.read("word/document.xml").decode("utf-8")
        assert "朔州市第一中学教学楼抗震加固改造工程" in body and "128.60" in body
        # 3. a 整改台账 with an overdue item: the department's ledger and the dashboard's overdue list
        page.goto(f"{url}/2025-09/101/index.html")
        assert "共 2 项整改，1 项逾期" in page.inner_text("article")
        page.goto(f"{url}/2025-09/index.html")
        overdue = _rows(page, "整改逾期")[0]
        assert "101-2025-003" in overdue and "2025-08-31" in overdue and "30" in overdue
        # 4. a late submitter: 卫生健康委员会 reached main on 2025-08-03, three days after the 截止日期
        page.goto(f"{url}/2025-06/index.html")
        late = _rows(page, "迟报")
        assert late and all("朔州市卫生健康委员会" in row and row.rstrip().endswith("3") for row in late)
        # 5. the red list, 部门整体 included
        red = _rows(page, "红灯")
        assert any("部门整体（附件3）" in row for row in red) and any(RETURNED in row for row in red)
        # 6. a trend chart: the city's 支出进度 in June and September against 序时进度, drawn
        page.goto(f"{url}/index.html")
        chart = page.locator("svg.dg-trend").first
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and page.locator("svg.dg-trend circle").count() == 2
        page.wait_for_load_state("networkidle")
    context.close()
    assert problems == []
