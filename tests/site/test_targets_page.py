"""The project page compares the approved targets (批复目标) with the reported ones; a 涉密 project's never show."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from docgen import api
from tests.history.gitrepo import PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo, review_loop_repo

DOCS = "build/site-src/docs"
HEAD = "| 指标 | 批复年度指标值 | 报送年度指标值 | 情况 |"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root: Path = review_loop_repo(tmp_path_factory.mktemp("loop") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        api.site(root, today=date(2025, 11, 10))
    return root


def test_the_unjustified_difference_is_marked_on_the_project_page(site: Path) -> None:
    page = (site / DOCS / "2025-09/101/101-2025-001.md").read_text(encoding="utf-8")
    assert "## 批复目标与报送" in page
    assert '<tr class="dg-target-differs"><td>受助学生家长满意度</td><td>≥95%</td><td>≥90%</td><td>目标与批复不一致</td></tr>' in page
    assert "<tr><td>资助学生人数</td><td>≥12000人</td><td>≥12000人</td><td>一致</td></tr>" in page
    html = (site / "site/2025-09/101/101-2025-001.html").read_text(encoding="utf-8")
    assert "批复目标与报送" in html and "dg-target-differs" in html


def test_the_justified_difference_names_its_record(site: Path) -> None:
    page = (site / DOCS / "2025-06/101/101-2025-003.md").read_text(encoding="utf-8")
    row = (
        "<tr><td>获得奖补的普惠性民办幼儿园数量</td><td>≥50所</td><td>≥45所</td>"
        "<td>已按目标调整记录调整（朔财绩〔2025〕15号，2025-08-20）</td></tr>"
    )
    assert row in page and "dg-target-differs" not in page


def test_a_project_without_approved_targets_has_no_comparison(site: Path) -> None:
    assert "批复目标与报送" not in (site / DOCS / "2025-06/102/102-2025-001.md").read_text(encoding="utf-8")


APPROVED = """\
年度: 2025
截至月份: 6
主管部门代码: "101"
项目:
  - 项目代码: "101-2025-001"
    绩效指标:
      - 一级指标: 产出指标
        二级指标: 数量指标
        三级指标: 资助学生人数
        年度指标值: ≥1357人
"""


def test_a_confidential_projects_targets_never_reach_the_site(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = GitRepo(tmp_path)
    name = "        项目名称: 城乡义务教育家庭经济困难学生生活补助\n"
    repo.write(ROSTER_PATH, ROSTER.replace(name, name + "        涉密: true\n"))
    repo.write("submissions/2025-06/批复目标/101.yaml", APPROVED)
    repo.write(PROJECT_PATH, PROJECT.replace("预算单位: 朔州市教育局本级\n资金", "预算单位: 朔州市教育局本级\n涉密: true\n资金"))
    repo.commit("涉密项目")
    checked = api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))
    assert [f.code for f in checked.findings if f.code.startswith("W61")] == ["W610", "W612"]  # 满意度 was not approved
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        api.site(tmp_path, today=date(2025, 7, 10))
    for folder in ("site", DOCS):
        for page in (tmp_path / folder).rglob("*"):
            if page.is_file() and page.suffix in (".md", ".html", ".json"):
                text = page.read_text(encoding="utf-8", errors="replace")
                assert "1357" not in text and "批复目标与报送" not in text, page
    for written in api.export_data(tmp_path, "csv", tmp_path / "分析"):  # the analysts' export: no finding, no value
        text = written.read_text(encoding="utf-8-sig")
        assert "1357" not in text and "W610" not in text, written


def test_an_approved_indicator_name_is_escaped_on_the_page(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = GitRepo(tmp_path)
    repo.write(ROSTER_PATH, ROSTER)
    name = "<img src=x onerror=alert(1)>|**粗**"
    hostile = APPROVED + f'      - 一级指标: 产出指标\n        二级指标: 质量指标\n        三级指标: "{name}"\n        年度指标值: 100%\n'
    repo.write("submissions/2025-06/批复目标/101.yaml", hostile)
    repo.write(PROJECT_PATH, PROJECT)
    repo.commit("批复目标")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        api.site(tmp_path, today=date(2025, 7, 10))
    page = (tmp_path / DOCS / "2025-06/101/101-2025-001.md").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    html = (tmp_path / "site/2025-06/101/101-2025-001.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<strong>粗</strong>" not in html
