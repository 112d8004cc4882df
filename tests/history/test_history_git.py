"""history.read_history on real repositories with known commits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from docgen.errors import DocgenError
from docgen.history import timeline as history
from docgen.history.changes import ADDED, FIELD, FIGURE, REMOVED, UNREADABLE, Change
from docgen.history.git import GitError
from tests.history.gitrepo import DEPT, INDICATOR, PROJECT, PROJECT_PATH, ROSTER_PATH, GitRepo


def read(repo: GitRepo, **kwargs: object) -> history.History:
    return history.read_history(repo.root, **kwargs)  # type: ignore[arg-type]


def test_a_figure_changed_gives_the_field_and_the_computed_figures(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 95")
    sha = seeded.commit("更新6月支出数\n\n根据国库支付数据更新。", author="李出纳", email="li@example.cn")
    timeline = read(seeded).timelines[PROJECT_PATH]
    last = timeline.entries[-1]
    assert (last.sha, last.author, last.email, last.status) == (sha, "李出纳", "li@example.cn", "modified")
    assert last.date == datetime(2025, 7, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    assert (last.subject, last.body) == ("更新6月支出数", "根据国库支付数据更新。")
    assert last.changes == (
        Change(FIELD, "资金·中央财政资金·支出数", "60.20", "95.00"),
        Change(FIGURE, "资金·资金总额·支出数", "60.20", "95.00"),
        Change(FIGURE, "资金·资金总额·支出进度", "30.10%", "47.50%"),
        Change(FIGURE, "资金·中央财政资金·支出进度", "30.10%", "47.50%"),
    )
    assert last.changes[0].text() == "资金·中央财政资金·支出数 60.20 → 95.00"
    assert last.changes[2].text() == "资金·资金总额·支出进度 30.10% → 47.50%"


def test_the_first_version_is_summarised_by_its_totals(seeded: GitRepo) -> None:
    first = read(seeded).timelines[PROJECT_PATH].entries[0]
    assert first.status == "added" and first.status_label == "新增" and first.valid
    assert [c.text() for c in first.changes] == [
        "资金·资金总额·安排数 — → 200.00",
        "资金·资金总额·下达数 — → 200.00",
        "资金·资金总额·支出数 — → 60.20",
        "资金·资金总额·下达率 — → 100.00%",
        "资金·资金总额·支出进度 — → 30.10%",
    ]


def test_likelihood_changed_and_indicator_added_reordering_is_not_a_change(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "完成目标可能性: 有可能", "完成目标可能性: 确定能")
    seeded.commit("满意度可以完成")
    text = (seeded.root / PROJECT_PATH).read_text(encoding="utf-8")
    head, indicators = text.split("绩效指标:\n")
    first, second = indicators.split("  - 一级指标: 满意度指标\n")
    seeded.write(PROJECT_PATH, head + "绩效指标:\n" + "  - 一级指标: 满意度指标\n" + second + first + INDICATOR)
    seeded.commit("新增时效指标，调整顺序")
    entries = read(seeded).timelines[PROJECT_PATH].entries
    assert [c.text() for c in entries[1].changes] == ["绩效指标·受助学生家长满意度·完成目标可能性 有可能 → 确定能"]
    summary = "一级指标 产出指标；二级指标 时效指标；年度指标值 ≥95%；指标完成情况 96%；全年指标预计完成情况 98%；完成目标可能性 确定能"
    assert entries[2].changes == (Change(ADDED, "绩效指标·补助发放及时率", None, summary),)
    assert entries[2].changes[0].text() == "新增绩效指标「补助发放及时率」"


def test_an_indicator_removed(seeded: GitRepo) -> None:
    text = (seeded.root / PROJECT_PATH).read_text(encoding="utf-8")
    seeded.write(PROJECT_PATH, text.split("  - 一级指标: 满意度指标\n")[0])
    seeded.commit("删除满意度指标")
    (removed,) = read(seeded).timelines[PROJECT_PATH].entries[-1].changes
    assert (removed.kind, removed.field, removed.after) == (REMOVED, "绩效指标·受助学生家长满意度", None)
    assert (
        removed.before is not None
        and removed.before.startswith("一级指标 满意度指标；")
        and removed.before.endswith("偏差原因分析 部分学校通知不及时。")
    )
    assert removed.text() == "删除绩效指标「受助学生家长满意度」"


def test_a_moved_file_keeps_its_history(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 70")
    seeded.commit("更新支出")
    new_path = "submissions/2025-06/101-教育和体育局/101-2025-001.yaml"
    seeded.move(PROJECT_PATH, new_path)
    seeded.commit("部门更名，移动文件夹")
    seeded.edit(new_path, "支出数: 70", "支出数: 80")
    seeded.commit("再次更新支出")
    hist = read(seeded)
    assert PROJECT_PATH not in hist.timelines
    timeline = hist.timelines[new_path]
    assert [e.status for e in timeline.entries] == ["added", "modified", "renamed", "modified"]
    assert [e.path for e in timeline.entries] == [PROJECT_PATH, PROJECT_PATH, new_path, new_path]
    assert timeline.entries[2].old_path == PROJECT_PATH and timeline.entries[2].changes == ()
    assert timeline.entries[3].changes[0] == Change(FIELD, "资金·中央财政资金·支出数", "70.00", "80.00")
    assert timeline.paths == [PROJECT_PATH, new_path]
    assert hist.get(PROJECT_PATH) is timeline and hist.get(Path(new_path)) is timeline


def test_a_version_that_does_not_parse_is_an_entry_not_a_crash(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "项目年度绩效目标: 按标准", "项目年度绩效目标: [按标准")
    seeded.commit("写坏了")
    seeded.edit(PROJECT_PATH, "项目年度绩效目标: [按标准", "项目年度绩效目标: 按标准")
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 61")
    seeded.commit("修好并更新")
    entries = read(seeded).timelines[PROJECT_PATH].entries
    broken = entries[1]
    assert not broken.readable and not broken.valid
    assert [c.kind for c in broken.changes] == [UNREADABLE]
    assert broken.changes[0].text().startswith("此版本无法读取：第 11 行")
    # the repaired version is compared with the last version that could be read
    assert entries[2].changes[0] == Change(FIELD, "资金·中央财政资金·支出数", "60.20", "61.00")


def test_an_invalid_version_shows_its_fields_but_no_figures(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "本年预算: 200.00", "本年预算: 二百")
    seeded.commit("写错了类型")
    last = read(seeded).timelines[PROJECT_PATH].entries[-1]
    assert last.readable and not last.valid
    assert last.changes == (Change(FIELD, "资金·中央财政资金·本年预算", "200.00", "二百"),)


def test_confidential_submissions_can_be_excluded_entirely(seeded: GitRepo) -> None:
    secret = f"{DEPT}/101-2025-002.yaml"
    seeded.write(secret, PROJECT.replace("101-2025-001", "101-2025-002").replace("城乡义务教育家庭经济困难学生生活补助", "某涉密工程"))
    seeded.commit("报送项目二")
    seeded.edit(secret, "预算单位: 朔州市教育局本级\n", "预算单位: 朔州市教育局本级\n涉密: true\n")
    seeded.commit("标为涉密")
    hist = read(seeded)
    timeline = hist.timelines[secret]
    assert timeline.confidential and [e.confidential for e in timeline.entries] == [False, True]
    assert [e.key for e in hist.recent(10, include_confidential=True)][:2] == [secret, secret]
    assert secret not in {e.key for e in hist.recent(10)}
    public = hist.public()
    assert set(public.timelines) == {PROJECT_PATH, ROSTER_PATH}
    assert all(e.key != secret for e in public.recent(100))


def test_recent_is_newest_first_across_submissions(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 61")
    seeded.commit("二")
    seeded.edit(ROSTER_PATH, '截止日期: "2025-07-31"', '截止日期: "2025-08-05"')
    seeded.commit("三")
    recent = read(seeded).recent(3)
    assert [(e.subject, e.key) for e in recent] == [("三", ROSTER_PATH), ("二", PROJECT_PATH), ("首次报送 2025年1-6月", PROJECT_PATH)]
    assert recent[0].changes == (Change(FIELD, "截止日期", "2025-07-31", "2025-08-05"),)


def test_a_deleted_file_and_a_new_file_at_the_same_path_stay_apart(seeded: GitRepo) -> None:
    (seeded.root / PROJECT_PATH).unlink()
    gone = seeded.commit("撤回")
    seeded.write(PROJECT_PATH, PROJECT.replace("支出数: 60.2", "支出数: 1"))
    seeded.commit("重新报送")
    hist = read(seeded)
    old = hist.timelines[f"{PROJECT_PATH}@{gone[:7]}"]
    assert [e.status for e in old.entries] == ["added", "deleted"] and not old.exists
    assert old.entries[-1].path == PROJECT_PATH and old.name == "城乡义务教育家庭经济困难学生生活补助"
    new = hist.timelines[PROJECT_PATH]
    assert [e.status for e in new.entries] == ["added"] and new.exists


def test_the_cache_parses_only_versions_not_seen(seeded: GitRepo) -> None:
    for amount in ("61", "62", "63"):
        seeded.edit(PROJECT_PATH, "支出数: " + str(int(amount) - 1) if amount != "61" else "支出数: 60.2", "支出数: " + amount)
        seeded.commit(f"支出 {amount}")
    cold = read(seeded)
    assert cold.stats.parsed == 5 and cold.stats.commits == 4
    warm = read(seeded)
    assert warm.stats.parsed == 0 and warm.stats.diff_hits == 5
    assert warm.timelines[PROJECT_PATH].entries == cold.timelines[PROJECT_PATH].entries
    seeded.edit(PROJECT_PATH, "支出数: 63", "支出数: 64")
    seeded.commit("支出 64")
    after_one = read(seeded)
    assert after_one.stats.parsed == 1
    assert after_one.timelines[PROJECT_PATH].entries[-1].changes[0] == Change(FIELD, "资金·中央财政资金·支出数", "63.00", "64.00")
    assert not (seeded.root / ".docgen-cache").exists()  # the cache lives in the user's cache folder, not the repository
    assert seeded.run("status", "--porcelain") == ""
    no_cache = read(seeded, cache_dir=False)
    assert no_cache.stats.parsed == 6


def test_root_below_the_top_of_the_repository(repo: GitRepo) -> None:
    repo.write("data/" + PROJECT_PATH, PROJECT)
    repo.write("README.md", "x")
    repo.commit("first")
    hist = history.read_history(repo.root / "data")
    assert list(hist.timelines) == [PROJECT_PATH]


def test_no_commits_or_none_touching_submissions_is_empty(repo: GitRepo) -> None:
    assert read(repo).timelines == {}
    repo.write("README.md", "说明")
    repo.commit("只有说明")
    empty = read(repo)
    assert empty.timelines == {} and empty.recent() == []


def test_not_a_git_repository_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(GitError) as caught:
        history.read_history(folder)
    assert isinstance(caught.value, DocgenError) and caught.value.exit_code == 3
    assert "不在 git 仓库中" in str(caught.value)


def test_a_missing_revision_is_a_usage_error(seeded: GitRepo) -> None:
    with pytest.raises(DocgenError) as caught:
        read(seeded, revision="no-such-branch")
    assert caught.value.exit_code == 2 and "no-such-branch" in str(caught.value)


def test_evidence_files_beside_the_submissions_are_not_submissions(seeded: GitRepo) -> None:
    seeded.write(f"{DEPT}/evidence/资助名单.pdf", "%PDF-1.4 not yaml")
    seeded.commit("上传佐证材料")
    assert set(read(seeded).timelines) == {PROJECT_PATH, ROSTER_PATH}


def test_a_roster_naming_a_confidential_project_keeps_its_public_history_only(seeded: GitRepo) -> None:
    seeded.edit(ROSTER_PATH, "        项目名称: 教师培训\n", "        项目名称: 某涉密工程\n        涉密: true\n")
    seeded.commit("名单：项目二改为涉密")
    seeded.edit(ROSTER_PATH, '截止日期: "2025-07-31"', '截止日期: "2025-08-05"')
    seeded.commit("名单：延期")
    full = read(seeded)
    assert [len(e.changes) for e in full.timelines[ROSTER_PATH].entries] == [0, 2, 1]
    public = full.public().timelines[ROSTER_PATH]
    assert [e.subject for e in public.entries] == ["首次报送 2025年1-6月", "名单：延期"]
    assert [c.text() for c in public.entries[-1].changes] == ["截止日期 2025-07-31 → 2025-08-05"]
    assert "名单：项目二改为涉密" not in [e.subject for e in full.recent(10)]
    assert "名单：项目二改为涉密" in [e.subject for e in full.recent(10, include_confidential=True)]
    assert all("某涉密工程" not in str(e.as_dict()) for e in full.recent(10))
