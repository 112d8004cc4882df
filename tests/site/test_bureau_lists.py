"""The bureau's dashboard lists 退回修改 and overdue 整改 by name (issue 17, item 5), 部门整体 included, on the home
and period pages, in headless Chromium: the review-loop demo plus a commit in which the 市财政局 returns a 部门整体
and records an overdue 整改 on it, both with hostile text that must show as written and never run."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from docgen import api
from tests.history.gitrepo import review_loop_repo

from .browser import serve

HOSTILE = "<img src=x onerror=alert(1)> | **粗** [链接](javascript:alert(2))"
RETURN_102 = f"""\
年度: 2025
截至月份: 9
主管部门代码: "102"
审核单位: 朔州市财政局预算绩效管理科
审核意见:
  - 项目代码: 部门整体
    结论: 退回修改
    意见: "基本支出数与决算不符 {HOSTILE}"
    日期: "2025-11-06"
    审核人: 王敏
"""
LEDGER_102 = f"""\
年度: 2025
截至月份: 9
主管部门代码: "102"
整改:
  - 项目代码: 部门整体
    问题代码: W401
    问题: "部门整体支出进度偏低 {HOSTILE}"
    整改措施: 加快基本建设支出。
    责任人: 朔州市卫生健康委员会财务科
    整改期限: "2025-09-10"
    状态: 未开始
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root: Path = review_loop_repo(tmp_path_factory.mktemp("lists") / "repo")
    git = ["git", "-c", "user.name=市财政局", "-c", "user.email=c@example.cn"]
    subprocess.run([*git, "checkout", "-q", "main"], cwd=root, check=True)
    (root / "submissions/2025-09/审核/财政局-102.yaml").write_text(RETURN_102, encoding="utf-8")
    (root / "submissions/2025-09/审核/整改-102.yaml").write_text(LEDGER_102, encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "退回卫生健康委员会部门整体"], cwd=root, check=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)  # 整改 judged on each period's last day
        api.site(root, today=date(2025, 11, 10))
    return root / "site"


def _rows(page: Any, heading: str) -> list[list[str]]:
    """The cells of the table right after the section `heading` (the first table following it)."""
    table = page.locator(f"h2:text-is('{heading}') ~ div table, h3:text-is('{heading}') ~ div table").first
    return [[c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_returned_and_overdue_by_name_on_home_and_period_pages(site: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    with serve(site) as url:
        for path in ("index.html", "2025-09/index.html"):  # the home page shows the current period, 2025-09
            page.goto(f"{url}/{path}")
            returned = _rows(page, "退回修改")
            assert returned == [
                ["朔州市卫生健康委员会", "部门整体（附件3）", "朔州市财政局预算绩效管理科", "2025-11-06", f"基本支出数与决算不符 {HOSTILE}"]
            ]
            overdue = {(r[0], r[1]): r for r in _rows(page, "整改逾期")}
            assert overdue[("朔州市卫生健康委员会", "部门整体（附件3）")][2] == f"部门整体支出进度偏低 {HOSTILE}"
            assert overdue[("朔州市卫生健康委员会", "部门整体（附件3）")][5:] == ["2025-09-10", "20", "未开始"]  # to 09-30
            assert overdue[("朔州市教育局", "101-2025-003 学前教育发展资金（普惠性民办幼儿园奖补）")][5:] == ["2025-08-31", "30", "整改中"]
            assert page.locator("article img[src='x']").count() == 0  # shown as text, never an element
            link = page.locator("h2:text-is('退回修改') ~ div table a, h3:text-is('退回修改') ~ div table a").first
            assert link.get_attribute("href", timeout=1000).endswith("102/index.html")
        page.goto(f"{url}/2025-06/index.html")  # June: 101-2025-002 returned (by name), nothing overdue yet
        assert [r[1] for r in _rows(page, "退回修改")] == ["101-2025-002 朔州市第一中学教学楼抗震加固改造工程"]
        assert "本期没有逾期的整改事项。" in page.inner_text("article")
        page.wait_for_load_state("networkidle")
    context.close()
    assert problems == []


def test_the_sections_stand_beside_the_red_and_late_lists(site: Path) -> None:
    home = (site.parent / "build/site-src/docs/index.md").read_text(encoding="utf-8")
    assert home.index("### 红灯") < home.index("### 迟报") < home.index("### 退回修改") < home.index("### 整改逾期")
    june = (site.parent / "build/site-src/docs/2025-06/index.md").read_text(encoding="utf-8")
    assert june.index("## 迟报") < june.index("## 退回修改") < june.index("## 整改逾期") < june.index("## 全市预算执行")
