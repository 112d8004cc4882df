"""`docgen diff` for the reviewer (issue 17, item 6): figures that moved, lights that changed, who committed what."""

from __future__ import annotations

import html
import json
from pathlib import Path

from click.testing import CliRunner

from docgen import api, escape
from docgen.cli import cli
from docgen.history import diff_report, revdiff
from tests.history.gitrepo import PROJECT_PATH, GitRepo


def run(repo: GitRepo, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", "--root", str(repo.root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_a_warning_whose_figures_changed_is_one_changed_row(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 70")  # W401 stays (35.00% of 50.00%), its figures move
    seeded.commit("更新支出数")
    code, out = run(seeded, base, "HEAD", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["changed"] == 1
    (project,) = data["submissions"]
    assert not [f for f in project["findings"]["appeared"] + project["findings"]["cleared"] if f["code"] == "W401"]
    (pair,) = project["findings"]["changed"]
    assert (pair["before"]["code"], pair["after"]["code"]) == ("W401", "W401")
    assert "30.10%" in pair["before"]["message"] and "35.00%" in pair["after"]["message"]
    _, text = run(seeded, base, "HEAD")
    rows = [line for line in text.splitlines() if line.startswith("| 警告 W401")]
    assert len(rows) == 1  # one row, both figures
    assert "30.10%" in rows[0] and "35.00%" in rows[0] and "数值变化" in rows[0]


def test_a_different_warning_of_the_same_rule_is_not_paired(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 190")  # W401 clears: nothing to pair it with
    seeded.commit("更新支出数")
    data = json.loads(run(seeded, base, "HEAD", "--format", "json")[1])
    (project,) = data["submissions"]
    assert project["findings"]["changed"] == []
    assert [f["code"] for f in project["findings"]["cleared"]] == ["W401"]


def test_the_light_change_comes_first(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 250")  # an overspend: 黄灯 → 红灯
    seeded.commit("超支")
    _, text = run(seeded, base, "HEAD")
    lines = text.splitlines()
    light = lines.index("| 城乡义务教育家庭经济困难学生生活补助（101-2025-001） | 灯色 | 黄灯 | 红灯 |")
    first_section = next(i for i, line in enumerate(lines) if line.startswith("### "))
    assert light < first_section
    data = json.loads(run(seeded, base, "HEAD", "--format", "json")[1])
    assert data["submissions"][0]["light"] == {"before": "yellow", "after": "red"}


def test_no_light_table_when_no_light_changed(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 70")
    seeded.commit("更新支出数")
    assert "灯色和审核状态的变化" not in run(seeded, base, "HEAD")[1]


HOSTILE_MESSAGE = (
    "@octocat 关闭 #1 和 !2 ~bug %v1 $3 &4 http://evil.example/x www.evil.cn\n"
    "/approve\n"
    "| a | b | <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://t.example/p.png)"
)


def test_commits_are_listed_with_authors_and_messages_that_ping_or_link_nothing(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 70")
    seeded.commit("更新支出数", author="王审核")
    seeded.edit(PROJECT_PATH, "支出数: 70", "支出数: 71")
    seeded.commit(HOSTILE_MESSAGE, author="@admin <img src=x onerror=alert(1)>")
    code, text = run(seeded, base, "HEAD")
    assert code == 0
    assert "#### 提交记录（2 次）" in text
    commits = [line for line in text.splitlines() if line.startswith("- `")]
    assert len(commits) == 2
    assert "王审核" in commits[1] and "更新支出数" in commits[1]
    hostile = commits[0]
    for raw in ("<script", "<img", "](", "| a |"):  # no markup
        assert raw not in hostile, raw
    read = html.unescape(hostile)  # as the forge's reference filters read the rendered text
    for raw in ("@octocat", "@admin", "#1", "!2", "~bug", "%v1", "$3", "&4", "http://", "www.evil"):
        assert raw not in read, raw
    assert not any(line.startswith("/approve") for line in text.splitlines())  # no quick action starts a line
    # the JSON keeps the message as written, for tools
    data = json.loads(run(seeded, base, "HEAD", "--format", "json")[1])
    assert [c["message"] for c in data["commits"]] == [HOSTILE_MESSAGE, "更新支出数"]
    assert data["commits"][0]["author"].startswith("@admin")  # (git itself drops «<» and «>» from a name)


def test_a_commit_to_a_confidential_file_keeps_its_message_private(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "预算单位: 朔州市教育局本级\n", "预算单位: 朔州市教育局本级\n涉密: true\n")
    seeded.commit("涉密项目支出 60.2 万元 城乡义务教育家庭经济困难学生生活补助")
    _, text = run(seeded, base, "HEAD")
    assert "60.2 万元" not in text
    assert "提交说明不公开" in text


def test_comment_escaping_keeps_the_text() -> None:
    shown = str(escape.comment("@张三 #12 见 http://a.example"))
    assert shown.replace("\u200b", "").replace("&#35;", "#") == "@张三 #12 见 http://a.example"
    assert "@张" not in shown and "#12" not in shown and "://" not in shown
    assert str(escape.comment("支出 60.20%")) == "支出 60.20%"  # nothing to neutralise: unchanged


def test_a_review_state_change_is_listed_first(seeded: GitRepo) -> None:
    """The review state of each side comes with its findings (api.review_findings gives it once review records are
    read); a change of state is a row of the first table, even for a file whose content did not change."""
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 70")
    seeded.commit("按审核意见修改")

    def judged(root: Path) -> revdiff.Verdicts:
        text = (root / PROJECT_PATH).read_text(encoding="utf-8")
        state = "已报送" if "支出数: 70" in text else "退回修改"
        return revdiff.Verdicts(api.review_findings(root).findings, {}, {PROJECT_PATH: state})

    result = revdiff.compare_revisions(seeded.root, base, "HEAD", judged)
    assert [(f.state_before, f.state_after) for f in result.files] == [("退回修改", "已报送")]
    text = diff_report.markdown(result)
    row = "| 城乡义务教育家庭经济困难学生生活补助（101-2025-001） | 审核状态 | 退回修改 | 已报送 |"
    assert row in text and text.index(row) < text.index("\n### ")
    assert json.loads(diff_report.as_json(result))["submissions"][0]["review_state"] == {"before": "退回修改", "after": "已报送"}
