"""examples/review-loop: the whole loop on a real git repository made by its own script, two periods."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from docgen import api
from tests.history.gitrepo import review_loop_repo

P06 = "submissions/2025-06"
P09 = "submissions/2025-09"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    made: Path = review_loop_repo(tmp_path_factory.mktemp("loop") / "repo")
    return made


@pytest.fixture(scope="module")
def checked(demo: Path) -> api.Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)  # deadlines judged on each period's last day
        return api.check([demo / "submissions"], workspace=api.Workspace.at(demo))


def test_the_demo_is_valid_and_its_overdue_rectification_is_warned(checked: api.Result) -> None:
    assert checked.ok
    overdue = [(f.path, f.code) for f in checked.findings if f.code == "W601"]
    assert overdue == [(f"{P09}/审核/整改-101.yaml", "W601")]


def test_states_returned_passed_again_late_and_draft(demo: Path, checked: api.Result) -> None:
    states = api.review_states(checked, demo)
    assert states[f"{P06}/101-教育局/101-2025-002.yaml"].label == "退回修改"
    assert states[f"{P09}/101-教育局/101-2025-002.yaml"].label == "已通过"
    assert f"{P09}/102-卫生健康委员会/102-2025-003.yaml" not in states  # the draft is on its branch, not on main
    assert states[f"{P06}/102-卫生健康委员会/102-2025-002.yaml"].label == "已通过"  # the unit file's own 审核意见, still read
    deadline = next(r.deadline for r in checked.rosters if r.period.key == "2025-06")
    arrived = {p: s.first_arrived for p, s in states.items() if p.startswith(P06) and s.first_arrived is not None}
    late = sorted({p.split("/")[2] for p, when in arrived.items() if when.date() > deadline})
    assert deadline == date(2025, 7, 31) and late == ["102-卫生健康委员会"]


def test_the_returned_project_is_held_out_of_its_bundle(demo: Path) -> None:
    api.build(demo)
    with zipfile.ZipFile(demo / "build/2025-06/101-朔州市教育局-2025年1-6月绩效监控报告.zip") as archive:
        names = archive.namelist()
        index = archive.read(names[0]).decode("utf-8-sig")
    assert not any("101-2025-002" in n for n in names) and "（101-2025-002）：市级财政资金支出数" in index
    with zipfile.ZipFile(demo / "build/2025-09/101-朔州市教育局-2025年1-9月绩效监控报告.zip") as archive:
        assert any("101-2025-002" in n for n in archive.namelist())  # passed again in September


def test_the_feedback_letters_are_written(demo: Path) -> None:
    written = api.feedback(demo, period="2025-06")
    assert sorted(p.name for p in written) == ["审核结果反馈-101-朔州市教育局.docx", "审核结果反馈-102-朔州市卫生健康委员会.docx"]


def test_the_departments_report_drafts_its_results_application(demo: Path, checked: api.Result) -> None:
    department = next(d for d in checked.departments if d.department_code == "101" and d.period.key == "2025-09")
    text = api.draft_applications(checked, department)
    applied, rectified = text.split("\n")
    assert applied.startswith("结果应用情况：") and "暂缓拨款（2025-08-20）" in applied
    assert "调减预算 120.00 万元（朔财绩〔2025〕12号）" in applied
    assert rectified.startswith("整改情况：") and rectified.count("整改期限") == 2  # September's ledger, not June's again
    assert "整改期限 2025-08-31，目前整改中，已逾期" in rectified and "目前已完成" in rectified
    june = next(d for d in checked.departments if d.department_code == "102" and d.period.key == "2025-06")
    assert api.draft_applications(checked, june) == ""  # no records: nothing drafted, the section stays the department's


def test_the_script_ends_on_main_and_links_the_schema_inside_the_repository(demo: Path, tmp_path: Path) -> None:
    """The README's commands run on main (the draft is on draft-102 only), and every file's $schema link is the one a
    fresh `docgen import`/`import-targets` writes there, not one leading out of the repository."""
    import subprocess

    def git(repo: Path, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()

    assert git(demo, "branch", "--show-current") == "main"
    assert git(demo, "status", "--porcelain") == ""
    assert not (demo / P09 / "102-卫生健康委员会/102-2025-003.yaml").exists()
    targets = (demo / P06 / "批复目标/101.yaml").read_text(encoding="utf-8")
    assert targets.startswith("# yaml-language-server: $schema=../../../schema/targets.schema.json\n")
    for path in (demo / "submissions").rglob("*.yaml"):
        line = path.read_text(encoding="utf-8").splitlines()[0]
        if "$schema=" in line:
            link = line.split("$schema=")[1]
            assert (path.parent / link).resolve().is_relative_to(demo.resolve()), path
    draft = tmp_path / "draft"
    shutil.copytree(demo, draft)
    git(draft, "checkout", "-q", "draft-102")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        checked = api.check([draft / "submissions"], workspace=api.Workspace.at(draft))
    assert api.review_states(checked, draft)[f"{P09}/102-卫生健康委员会/102-2025-003.yaml"].label == "草稿"
