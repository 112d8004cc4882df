"""Personal data (填报人, 联系电话, 单位负责人) and unprintable code points from git never reach history or the diff."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import cli
from docgen.form.forms import PERSONAL_KEYS
from docgen.history.changes import snapshot
from docgen.history.timeline import read_history
from tests.history.gitrepo import PROJECT, PROJECT_PATH, GitRepo

SIGNED = PROJECT + '单位负责人: 王建国\n填报人: 李明哲\n联系电话: "13912345678"\n'
PERSONAL = ("王建国", "李明哲", "13912345678", "赵大海", "张小红", "13800001111")


def _edit_personal(repo: GitRepo) -> None:
    repo.write(PROJECT_PATH, SIGNED)
    repo.commit("首次报送")
    repo.edit(PROJECT_PATH, "填报人: 李明哲", "填报人: 张小红")
    repo.edit(PROJECT_PATH, "单位负责人: 王建国", "单位负责人: 赵大海")
    repo.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 95")
    repo.commit("更换填报人")
    repo.edit(PROJECT_PATH, '联系电话: "13912345678"', '联系电话: "13800001111"')
    repo.commit("更换联系电话")


def test_the_personal_keys_come_from_the_forms() -> None:
    assert PERSONAL_KEYS["project"] == PERSONAL_KEYS["department"] == {"单位负责人", "填报人", "联系电话"}
    assert PERSONAL_KEYS["roster"] == frozenset()


def test_a_snapshot_leaves_personal_keys_out_and_keeps_the_rest() -> None:
    snap = snapshot(SIGNED.encode(), "project", PROJECT_PATH)
    assert snap.valid
    assert not any(word in json.dumps(snap.to_json(), ensure_ascii=False) for word in PERSONAL)
    assert snap.fields["项目名称"] == "城乡义务教育家庭经济困难学生生活补助"  # silent: the rest is still read


def test_history_leaves_personal_changes_out(repo: GitRepo) -> None:
    _edit_personal(repo)
    [timeline] = read_history(repo.root, cache_dir=False).timelines.values()
    texts = json.dumps([[c.as_dict() for c in e.changes] for e in timeline.entries], ensure_ascii=False)
    assert not any(word in texts for word in PERSONAL)
    assert "95.00" in texts  # the 支出数 changed in the same commit is still shown
    assert [len(e.changes) > 0 for e in timeline.entries][2] is False  # a commit changing only 联系电话 lists nothing


def test_diff_leaves_personal_changes_out(repo: GitRepo) -> None:
    _edit_personal(repo)
    for fmt in ("markdown", "json"):
        result = CliRunner().invoke(cli, ["diff", "--root", str(repo.root), "--format", fmt, "HEAD~2", "HEAD"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert not any(word in result.stdout for word in PERSONAL), fmt
        assert "95.00" in result.stdout


def test_bidi_and_non_characters_from_git_are_made_visible(repo: GitRepo) -> None:
    repo.write(PROJECT_PATH, PROJECT)
    repo.commit("首次报送")
    # an old version E217/E214 would now reject: a bidi override and U+FFFE in a text
    repo.edit(PROJECT_PATH, "按标准足额发放生活补助。", '"按标准\\u202e足额\\ufffe发放生活补助。"')
    repo.commit("改目标\u202e伪装", author="张\u202e会计")
    [timeline] = read_history(repo.root, cache_dir=False).timelines.values()
    last = timeline.entries[-1]
    assert last.message == "改目标\ufffd伪装" and last.author == "张\ufffd会计"
    [change] = [c for c in last.changes if c.field == "项目年度绩效目标"]
    assert change.after == "按标准\ufffd足额\ufffd发放生活补助。"
    assert change.before == "按标准足额发放生活补助。"  # silent: clean text is left as it is
    result = CliRunner().invoke(cli, ["diff", "--root", str(repo.root), "--format", "json", "HEAD~1", "HEAD"], catch_exceptions=False)
    assert "\u202e" not in result.stdout and "\ufffe" not in result.stdout and "\\u202e" not in result.stdout.lower()
    [submission] = json.loads(result.stdout)["submissions"]
    assert "按标准\ufffd足额\ufffd发放生活补助。" in [c["after"] for c in submission["changes"]]


def test_visible_touches_only_unprintable_code_points(tmp_path: Path) -> None:
    from docgen.form.limits import visible

    assert visible("a\u200bb\x07c\ud800") == "a\ufffdb\ufffdc\ufffd"
    assert visible("朔州市　教育局\t\n") == "朔州市　教育局\t\n"
