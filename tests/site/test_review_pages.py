"""The review loop on the status site, from examples/review-loop made a git repository: 退回 on the period page and
the department page, the 整改台账 per department and for the city with its overdue item, the 结果应用."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from docgen import api
from tests.history.gitrepo import review_loop_repo

DOCS = "build/site-src/docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root: Path = review_loop_repo(tmp_path_factory.mktemp("loop") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        api.site(root, today=date(2025, 11, 10))
    return root / DOCS


def test_the_period_page_lists_the_returned_submission_with_its_reason(site: Path) -> None:
    june = (site / "2025-06/index.md").read_text(encoding="utf-8")
    assert "## 退回修改" in june and '<a href="101/101-2025-002.html">101-2025-002 朔州市第一中学教学楼抗震加固改造工程</a>' in june
    assert "与国库支付台账（128.60 万元）不符" in june
    assert "本期没有被退回修改的报送。" in (site / "2025-09/index.md").read_text(encoding="utf-8")  # passed again
    project = (site / "2025-06/101/101-2025-002.md").read_text(encoding="utf-8")
    assert '!!! failure "已被审核退回修改：不列入朔州市教育局的报送包' in project
    department = (site / "2025-06/101/index.md").read_text(encoding="utf-8")
    assert department.count("dg-status-returned") == 1  # its row in the project table, no other
    assert "以下报送被审核退回修改，**未列入报送包**" in department


def test_the_department_page_shows_opinions_and_states(site: Path) -> None:
    page = (site / "2025-06/101/index.md").read_text(encoding="utf-8")
    assert "## 审核意见" in page
    assert "| 朔州市第一中学教学楼抗震加固改造工程 | 退回修改 | 朔州市财政局预算绩效管理科 | 2025-08-05 | 退回修改 |" in page
    assert "| 朔州市第一中学教学楼抗震加固改造工程 | 退回修改 | 朔州市教育局 | 2025-07-25 | 通过 |" in page  # the department's own


def test_the_ledgers_mark_the_overdue_item(site: Path) -> None:
    city = (site / "2025-09/index.md").read_text(encoding="utf-8")
    assert "## 全市整改台账" in city and "共 2 项整改，1 项逾期" in city and "2025-08-31 **逾期**" in city
    department = (site / "2025-09/101/index.md").read_text(encoding="utf-8")
    assert "## 整改台账" in department and "2025-08-31 **逾期**" in department
    assert "**逾期**" not in (site / "2025-06/index.md").read_text(encoding="utf-8")  # judged on June's last day
    assert "## 整改台账" not in (site / "2025-06/102/index.md").read_text(encoding="utf-8")  # nothing to show


def test_the_applications_are_listed(site: Path) -> None:
    page = (site / "2025-06/101/index.md").read_text(encoding="utf-8")
    assert "## 结果应用" in page and "| 调减预算 | 120.00 | 朔财绩〔2025〕12号 |" in page


def test_the_review_folder_s_records_are_no_submissions_on_the_site(site: Path) -> None:
    """审核/ holds opinions, 整改 and 结果应用: shown in the sections above, never as a (broken) submission's page."""
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.md")]
    assert not [p for p in pages if "审核" in p or "整改-" in p or "结果应用-" in p], pages
    for period in ("2025-06", "2025-09"):
        text = (site / period / "index.md").read_text(encoding="utf-8")
        assert "](审核/" not in text and "财政局-101.yaml" not in text
