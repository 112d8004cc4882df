"""Review states (草稿/已报送/退回修改/已通过) from a real git repository and the review folder's files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docgen import api
from docgen.history.review_state import ReviewState
from tests.history.gitrepo import PROJECT, PROJECT_PATH, GitRepo

REVIEW_PATH = "submissions/2025-06/审核/财政局-101.yaml"
SECOND_PATH = "submissions/2025-06/101-教育局/101-2025-002.yaml"


def _review(*opinions: tuple[str, str, str]) -> str:
    head = '年度: 2025\n截至月份: 6\n主管部门代码: "101"\n审核单位: 朔州市财政局预算绩效管理科\n审核意见:\n'
    body = "".join(
        f'  - 项目代码: "{code}"\n    结论: {conclusion}\n    意见: 请核对支出数。\n    日期: "{day}"\n    审核人: 王敏\n'
        for code, conclusion, day in opinions
    )
    return head + body


def _states(repo: GitRepo, branch: str | None = None) -> dict[str, ReviewState]:
    result = api.check([repo.root / "submissions"], workspace=api.Workspace.at(repo.root))
    return api.review_states(result, repo.root, branch=branch)


def test_on_main_is_submitted_and_its_first_arrival_is_the_adding_commit(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "60.2", "70.2")
    seeded.commit("修改支出数")
    state = _states(seeded)[PROJECT_PATH]
    assert state.state == "submitted" and state.label == "已报送" and state.on_main is True
    assert state.first_arrived == datetime.fromisoformat("2025-07-01T10:00:00+08:00")  # the adding commit, not the edit


def test_a_merged_file_arrived_when_it_was_merged_not_when_it_was_written(seeded: GitRepo) -> None:
    seeded.run("checkout", "-q", "-b", "unit-102")
    seeded.write(SECOND_PATH, PROJECT.replace("101-2025-001", "101-2025-002").replace("城乡义务教育家庭经济困难学生生活补助", "教师培训"))
    seeded.commit("报送（7月2日写好）")
    seeded.run("checkout", "-q", "main")
    merged = {"GIT_COMMITTER_DATE": "2025-08-05T09:00:00+08:00", "GIT_AUTHOR_DATE": "2025-08-05T09:00:00+08:00"}
    seeded.run("-c", "user.name=王敏", "-c", "user.email=w@example.cn", "merge", "-q", "--no-ff", "unit-102", "-m", "合并", env=merged)
    state = _states(seeded)[SECOND_PATH]
    assert state.state == "submitted" and state.first_arrived == datetime.fromisoformat("2025-08-05T09:00:00+08:00")


def test_a_file_only_on_a_branch_is_a_draft(seeded: GitRepo) -> None:
    seeded.run("checkout", "-q", "-b", "unit-102")
    seeded.write(SECOND_PATH, PROJECT.replace("101-2025-001", "101-2025-002").replace("城乡义务教育家庭经济困难学生生活补助", "教师培训"))
    seeded.commit("草稿")
    states = _states(seeded)
    assert states[SECOND_PATH].state == "draft" and states[SECOND_PATH].on_main is False
    assert states[SECOND_PATH].first_arrived is None
    assert states[PROJECT_PATH].state == "submitted"


def test_returned_until_the_same_reviewer_passes_it_again(seeded: GitRepo) -> None:
    seeded.write(REVIEW_PATH, _review(("101-2025-001", "退回修改", "2025-08-05")))
    seeded.commit("财政局审核：退回")
    state = _states(seeded)[PROJECT_PATH]
    assert state.state == "returned" and state.reason == "请核对支出数。"
    # the department passing it does not lift the bureau's 退回
    seeded.write(
        "submissions/2025-06/审核/101-101.yaml",
        _review(("101-2025-001", "通过", "2025-08-10")).replace("朔州市财政局预算绩效管理科", "朔州市教育局"),
    )
    seeded.commit("部门审核：通过")
    assert _states(seeded)[PROJECT_PATH].state == "returned"
    seeded.write(REVIEW_PATH, _review(("101-2025-001", "退回修改", "2025-08-05"), ("101-2025-001", "通过", "2025-08-12")))
    seeded.commit("财政局审核：通过")
    assert _states(seeded)[PROJECT_PATH].state == "passed"


def test_review_files_win_over_the_units_own_opinions(seeded: GitRepo) -> None:
    legacy = '审核意见:\n  - 审核单位: 朔州市教育局\n    日期: "2025-08-01"\n    结论: 退回修改\n    意见: 旧的意见。\n'
    seeded.write(PROJECT_PATH, PROJECT + legacy)
    seeded.commit("旧写法的审核意见")
    assert _states(seeded)[PROJECT_PATH].state == "returned"  # still read, for compatibility
    seeded.write(REVIEW_PATH, _review(("101-2025-001", "通过", "2025-07-20")))
    seeded.commit("财政局审核")
    assert _states(seeded)[PROJECT_PATH].state == "passed"  # the review file wins, even with an older date


def test_outside_a_repository_nothing_is_a_draft(tmp_path: Path) -> None:
    (tmp_path / PROJECT_PATH).parent.mkdir(parents=True)
    (tmp_path / PROJECT_PATH).write_text(PROJECT, encoding="utf-8")
    result = api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))
    state = api.review_states(result, tmp_path)[PROJECT_PATH]
    assert state.state == "submitted" and state.on_main is None and state.first_arrived is None


def test_another_main_branch_name_is_used_when_given(seeded: GitRepo) -> None:
    seeded.run("branch", "-m", "main", "trunk")
    assert _states(seeded)[PROJECT_PATH].on_main is None  # neither main nor master
    assert _states(seeded, branch="trunk")[PROJECT_PATH].state == "submitted"
