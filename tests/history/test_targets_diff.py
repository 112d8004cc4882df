"""`docgen diff` shows a difference from the approved targets as its own row, on real git repositories: the
review-loop demo (one unjustified change, one justified by a 目标调整 record) and a 涉密 project whose values never
reach the comment."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from docgen import api
from tests.history.gitrepo import PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo, review_loop_repo

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
        年度指标值: ≥1000人
      - 一级指标: 满意度指标
        二级指标: 服务对象满意度指标
        三级指标: 受助学生家长满意度
        年度指标值: ≥90%
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    made: Path = review_loop_repo(tmp_path_factory.mktemp("loop") / "repo")
    return made


def _commit(repo: Path, message: str) -> str:
    out = subprocess.run(
        ["git", "log", "--format=%H", "--fixed-strings", f"--grep={message}", "main"], cwd=repo, capture_output=True, text=True
    )
    return out.stdout.split()[0]


def test_the_demo_warns_the_unjustified_change_in_both_periods_and_not_the_justified_one(demo: Path) -> None:
    checked = api.check([demo / "submissions"], workspace=api.Workspace.at(demo))
    warned = sorted((f.path.split("/")[1], f.path.rsplit("/", 1)[1], f.code) for f in checked.findings if f.code.startswith("W61"))
    assert warned == [("2025-06", "101-2025-001.yaml", "W610"), ("2025-09", "101-2025-001.yaml", "W610")]
    justified = checked.comparisons["submissions/2025-09/101-教育局/101-2025-003.yaml"].changes
    assert [(c.name, c.approved, c.reported, c.justified) for c in justified] == [
        ("获得奖补的普惠性民办幼儿园数量", "≥50所", "≥45所", True)
    ]


def test_the_reports_arrival_shows_the_unjustified_change_as_its_own_row(demo: Path) -> None:
    text = api.diff_text(demo, _commit(demo, "项目绩效目标批复"), _commit(demo, "教育局 2025年1-6月报送"))
    assert "| 目标与批复不一致 | 受助学生家长满意度 | ≥95% | 年度指标值 ≥95% → ≥90% |" in text


def test_the_target_adjustment_record_turns_the_row_justified(demo: Path) -> None:
    base, head = _commit(demo, "教育局整改台账"), _commit(demo, "结果应用：调减预算、暂缓拨款、调整目标")
    text = api.diff_text(demo, base, head)
    assert (
        "| 已按目标调整记录调整 | 获得奖补的普惠性民办幼儿园数量 | ≥50所 | 年度指标值 ≥50所 → ≥45所（朔财绩〔2025〕15号，2025-08-20） |"
        in text
    )
    assert "目标与批复不一致" not in text
    data = json.loads(api.diff_text(demo, base, head, fmt="json"))
    [project] = [s for s in data["submissions"] if s["code"] == "101-2025-003"]
    assert project["targets"] == [
        {
            "kind": "changed",
            "indicator": "获得奖补的普惠性民办幼儿园数量",
            "renamed": None,
            "approved": "≥50所",
            "reported": "≥45所",
            "justified": True,
            "document_number": "朔财绩〔2025〕15号",
            "date": "2025-08-20",
        }
    ]


def test_reports_without_approved_targets_or_with_unchanged_differences_add_no_target_row(demo: Path) -> None:
    text = api.diff_text(demo, _commit(demo, "教育局 2025年1-9月报送"), _commit(demo, "卫生健康委员会 2025年1-9月报送"))
    assert "卫生健康委员会" in text
    assert "目标与批复不一致" not in text and "已按目标调整记录调整" not in text


def _secret_repo(root: Path, secret: bool) -> tuple[GitRepo, str]:
    root.mkdir(parents=True)
    repo = GitRepo(root)
    name = "        项目名称: 城乡义务教育家庭经济困难学生生活补助\n"
    repo.write(ROSTER_PATH, ROSTER.replace(name, name + "        涉密: true\n") if secret else ROSTER)
    repo.write("submissions/2025-06/批复目标/101.yaml", APPROVED)
    unit = "预算单位: 朔州市教育局本级\n资金"
    repo.write(PROJECT_PATH, PROJECT.replace(unit, "预算单位: 朔州市教育局本级\n涉密: true\n资金") if secret else PROJECT)
    base = repo.commit("批复目标和报送")
    repo.edit(PROJECT_PATH, "年度指标值: ≥1000人", "年度指标值: ≥800人")
    repo.commit("降低目标")
    return repo, base


def test_a_confidential_projects_target_change_is_warned_but_never_shown(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    open_repo, base = _secret_repo(tmp_path / "open", secret=False)
    shown = api.diff_text(open_repo.root, base, "HEAD")
    assert "| 目标与批复不一致 | 资助学生人数 | ≥1000人 | 年度指标值 ≥1000人 → ≥800人 |" in shown
    repo, base = _secret_repo(tmp_path / "secret", secret=True)
    checked = api.check([repo.root / "submissions"], workspace=api.Workspace.at(repo.root))
    assert [f.code for f in checked.findings if f.code.startswith("W61")] == ["W610"]
    for fmt in ("markdown", "json"):
        text = api.diff_text(repo.root, base, "HEAD", fmt=fmt)
        assert "≥800人" not in text and "≥1000人" not in text and "资助学生人数" not in text
        assert "目标与批复不一致" not in text
