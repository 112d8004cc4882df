"""The bureau's dashboard (issue 17, item 5): the red list with 部门整体, who was late by the main branch, one
department 支出进度, and the month-by-month trend, on a real repository with two periods and a merge."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen import api
from docgen.cli import cli
from docgen.site import charts
from tests.history.gitrepo import PROJECT, GitRepo

from .browser import serve
from .conftest import DEPARTMENT

DEPT = "101-教育局"
TODAY = date(2025, 8, 20)


def roster(month: int, deadline: str) -> str:
    return f"""\
年度: 2025
截至月份: {month}
截止日期: "{deadline}"
部门:
  - 主管部门: 朔州市教育局
    主管部门代码: "101"
    预算单位: [朔州市教育局本级]
    应报项目:
      - {{项目代码: "101-2025-001", 项目名称: 城乡义务教育家庭经济困难学生生活补助, 预算单位: 朔州市教育局本级}}
"""


def in_month(text: str, month: int) -> str:
    return text.replace("截至月份: 6", f"截至月份: {month}")


#: A department-wide red light: 附件3 spent 300 of 5,100 by June (r = 5.88 / 50 × 100 < 60).
RED_DEPARTMENT = DEPARTMENT.replace("支出数: 2400", "支出数: 300").replace("支出数: 1200", "支出数: 150")


def commit_at(repo: GitRepo, message: str, when: str) -> None:
    """A commit with author and committer at `when` (ISO 8601), on the current branch."""
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "张会计", "GIT_AUTHOR_EMAIL": "z@example.cn"}
    env |= {"GIT_COMMITTER_NAME": "张会计", "GIT_COMMITTER_EMAIL": "z@example.cn"}
    repo.run("add", "-A")
    repo.run("commit", "-q", "-m", message, env=env)


def make_repo(root: Path) -> GitRepo:
    """2025-03: everything on time. 2025-06 (截止日期 2025-07-05): the 部门整体 committed on main on 07-02 (on time,
    later edited on 07-20: still on time); the project written on a branch on 07-01 but merged only on 07-08: late."""
    repo = GitRepo(root)
    march = "submissions/2025-03"
    repo.write(f"{march}/名单.yaml", roster(3, "2025-04-15"))
    repo.write(f"{march}/{DEPT}/101-2025-001.yaml", in_month(PROJECT.replace("支出数: 60.2", "支出数: 45"), 3))
    repo.write(f"{march}/{DEPT}/部门整体.yaml", in_month(DEPARTMENT, 3))
    commit_at(repo, "一季度报送", "2025-04-10T10:00:00+08:00")
    june = "submissions/2025-06"
    repo.write(f"{june}/名单.yaml", roster(6, "2025-07-05"))
    repo.write(f"{june}/{DEPT}/部门整体.yaml", RED_DEPARTMENT)
    commit_at(repo, "部门整体 1-6月", "2025-07-02T10:00:00+08:00")
    repo.run("checkout", "-q", "-b", "unit")
    repo.write(f"{june}/{DEPT}/101-2025-001.yaml", PROJECT)
    commit_at(repo, "项目 1-6月", "2025-07-01T10:00:00+08:00")
    repo.run("checkout", "-q", "-")
    env = {"GIT_AUTHOR_DATE": "2025-07-08T10:00:00+08:00", "GIT_COMMITTER_DATE": "2025-07-08T10:00:00+08:00"}
    env |= {"GIT_AUTHOR_NAME": "审核", "GIT_AUTHOR_EMAIL": "s@example.cn"}
    env |= {"GIT_COMMITTER_NAME": "审核", "GIT_COMMITTER_EMAIL": "s@example.cn"}
    repo.run("merge", "-q", "--no-ff", "-m", "合并项目报送", "unit", env=env)
    repo.edit(f"{june}/{DEPT}/部门整体.yaml", "全面完成", "全面、按时完成")
    commit_at(repo, "修改部门目标", "2025-07-20T10:00:00+08:00")
    return repo


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("dashboard")
    make_repo(root)
    result = CliRunner().invoke(cli, ["site", "--root", str(root), "--today", TODAY.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


def source(root: Path, page: str) -> str:
    return (root / "build/site-src/docs" / page).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end > 0 else None]


def test_a_department_wide_red_light_is_on_the_red_list(site: Path) -> None:
    for page, heading in (("2025-06/index.md", "## 红灯"), ("index.md", "### 红灯")):
        red = section(source(site, page), heading)
        assert "部门整体（附件3）" in red and "W401" in red, page
    march = section(source(site, "2025-03/index.md"), "## 红灯")
    assert "本期没有红灯报送" in march  # silent: nothing red in March


def test_late_is_judged_by_when_the_file_first_reached_main(site: Path) -> None:
    late = section(source(site, "2025-06/index.md"), "## 迟报")
    rows = [line for line in late.splitlines() if line.startswith("<tr><td>")]
    assert len(rows) == 1  # the project, merged 3 days after the deadline; not the 部门整体, edited later
    assert "101-2025-001" in rows[0] and "2025年7月8日" in rows[0] and '<td class="dg-num">3</td>' in rows[0]
    assert "都在截止日期" in section(source(site, "2025-03/index.md"), "## 迟报")
    home = source(site, "index.md")
    assert "101-2025-001" in section(home, "### 迟报")


def test_one_department_spend_progress_everywhere(site: Path) -> None:
    """The department's 支出进度 is its 附件3's 资金总额 on the dashboard, the chart and the department page; the
    projects' sum is shown only under its own name."""
    result = api.check([site / "submissions"], workspace=api.Workspace.at(site))
    [overall] = [d for d in result.departments if d.period.month == 6]
    expected = api.analyse(result).submissions[str(overall.path)].headline.spend_progress
    shown = f"{expected:.2f}%"
    dashboard = source(site, "2025-06/index.md")
    row = next(line for line in dashboard.splitlines() if line.startswith("<tr><td>101</td>"))
    assert f'data-sort="{expected}">{shown}</td>' in row
    assert f"部门整体支出进度 {shown}" in section(dashboard, "## 各部门支出进度")
    department = source(site, "2025-06/101/index.md")
    assert f'<td class="dg-num">{shown}</td>' in section(department, "## 部门整体支出")
    assert "项目合计支出进度" in department and "口径不同" in department


def test_trend_charts_per_project_department_and_city(site: Path) -> None:
    for page in ("2025-06/101/101-2025-001.md", "2025-06/101/index.md", "2025-06/index.md", "index.md"):
        text = source(site, page)
        svg = re.search(r'<svg class="dg-chart dg-trend".*?</svg>', text)
        assert svg is not None, page
        assert svg[0].count("<circle") == 2, page  # March and June
    project = source(site, "2025-06/101/101-2025-001.md")
    earlier = section(project, "## 往期报送")
    assert "../../2025-03/101/101-2025-001.html" in earlier and "2025年1-3月" in earlier
    assert "## 往期报送" not in source(site, "2025-03/101/101-2025-001.md")  # the first period has none
    assert "dg-trend" not in source(site, "2025-03/101/101-2025-001.md")  # one point is no trend


def test_the_trend_chart_escapes_its_texts() -> None:
    empty = [charts.Point(3, None), charts.Point(6, None)]
    svg = str(charts.trend_chart(empty, caption="<script>x</script>", value_label="[a](b)", time_label="&"))
    assert "<script" not in svg and "[a](b)" not in svg and "<circle" not in svg
    points = [charts.Point(3, None, "<b>"), charts.Point(6, charts.Decimal("130.5"), "<img src=x>")]
    svg = str(charts.trend_chart(points, caption="c", value_label="v", time_label="t"))
    assert "<img" not in svg and svg.count("<circle") == 1 and "130.50%" in svg


def test_the_trend_chart_in_a_browser(site: Path, browser: Any, tmp_path: Path) -> None:
    """The chart is drawn (a visible box, two dots inside it, the line between them), and nothing fails to load."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    with serve(site / "site") as url:
        page.goto(f"{url}/2025-06/101/101-2025-001.html")
        chart = page.locator("svg.dg-trend")
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        dots = [page.locator("svg.dg-trend circle").nth(i).bounding_box() for i in range(2)]
        assert all(d is not None and box["x"] <= d["x"] <= box["x"] + box["width"] for d in dots)
        assert dots[0] is not None and dots[1] is not None and dots[0]["x"] < dots[1]["x"]  # March left of June
        assert page.locator("svg.dg-trend polyline").count() == 1
        chart.screenshot(path=str(tmp_path / "trend.png"))
        page.goto(f"{url}/2025-06/index.html")
        assert page.locator("text=部门整体（附件3）").first.is_visible()
        page.wait_for_load_state("networkidle")  # the search worker's scripts, before the server goes
        context.close()
    assert problems == []
    assert (tmp_path / "trend.png").stat().st_size > 1000
