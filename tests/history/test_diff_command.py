"""`docgen diff` on real repositories with known commits: exact Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import api
from docgen.cli import cli
from docgen.history import diff_report
from docgen.history.changes import FIELD, Change
from docgen.history.revdiff import DiffResult, FileDiff
from tests.history.gitrepo import DEPT, INDICATOR, PROJECT, PROJECT_PATH, GitRepo

SECOND = PROJECT.replace("101-2025-001", "101-2025-002").replace("城乡义务教育家庭经济困难学生生活补助", "教师培训")
SECOND_PATH = f"{DEPT}/101-2025-002.yaml"
MOVED_PATH = "submissions/2025-06/101-教育和体育局/101-2025-002.yaml"


def run(repo: GitRepo, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["diff", "--root", str(repo.root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def pr(seeded: GitRepo) -> GitRepo:
    """main: two projects. Then, uncommitted: a figure raised past 安排数, an indicator added, a file moved."""
    seeded.write(SECOND_PATH, SECOND)
    seeded.commit("报送教师培训项目")
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 250")
    seeded.write(PROJECT_PATH, (seeded.root / PROJECT_PATH).read_text(encoding="utf-8") + INDICATOR)
    seeded.move(SECOND_PATH, MOVED_PATH)
    return seeded


EXPECTED_MARKDOWN = """\
## 报送数据变更：main → 工作区（未提交）

共 2 份报送有变化：新增 0 份，修改 1 份，重命名 1 份，删除 0 份。校验问题：新出现 4 个，已消除 2 个。

#### 灯色和审核状态的变化

| 报送 | 类别 | 修改前 | 修改后 |
| --- | --- | --- | --- |
| 城乡义务教育家庭经济困难学生生活补助（101-2025-001） | 灯色 | 黄灯 | 红灯 |

### 教师培训（101-2025-002） · 重命名

文件：`submissions/2025-06/101-教育局/101-2025-002.yaml` → `submissions/2025-06/101-教育和体育局/101-2025-002.yaml`

内容没有变化。

### 城乡义务教育家庭经济困难学生生活补助（101-2025-001） · 修改

文件：`submissions/2025-06/101-教育局/101-2025-001.yaml`

| 类别 | 内容 | 修改前 | 修改后 |
| --- | --- | --- | --- |
| 填报 | 资金·中央财政资金·支出数 | 60.20 | 250.00 |
| 绩效指标 | 补助发放及时率 | — | 新增：一级指标 产出指标；二级指标 时效指标；年度指标值 ≥95%；指标完成情况 96%；全年指标预计完成情况 98%；完成目标可能性 确定能 |
| 计算 | 资金·资金总额·支出数 | 60.20 | 250.00 |
| 计算 | 资金·资金总额·支出进度 | 30.10% | 125.00% |
| 计算 | 资金·中央财政资金·支出进度 | 30.10% | 125.00% |
| 警告 W411 | 「中央财政资金」支出数 250.00 万元超过安排数 200.00 万元 50.00 万元（超预算） | — | 新出现（第 9 行） |
| 警告 W415 | 「中央财政资金」支出数 250.00 万元超过下达数 200.00 万元（含上年结转）50.00 万元 | — | 新出现（第 9 行） |
| 警告 W416 | 「中央财政资金」全年预计支出数 200.00 万元少于截至6月已支出的 250.00 万元（少 50.00 万元） | — | 新出现（第 9 行） |
| 警告 W427 | 绩效指标缺少效益指标、质量指标，无法全面反映绩效目标 | — | 新出现（第 11 行） |
| 警告 W401 | 「资金总额」支出进度 30.10%（支出 60.20 万元 / 安排 200.00 万元），仅为序时进度 50.00% 的 60.20%，低于 80% | 第 8 行 | 已消除 |
| 警告 W427 | 绩效指标缺少效益指标、质量指标、时效指标，无法全面反映绩效目标 | 第 11 行 | 已消除 |

<sub>由 docgen diff 生成：{base} → 工作区（未提交）。「计算」为系统按填报数计算的结果（万元、%）。</sub>
"""  # noqa: E501 - docgen writes each table row on one line


def test_markdown_against_the_working_tree(pr: GitRepo) -> None:
    code, out, err = run(pr, "main")
    assert (code, err) == (0, "")
    assert out == EXPECTED_MARKDOWN.format(base=pr.run("rev-parse", "--short=7", "main").strip())


def test_json_between_two_commits(pr: GitRepo) -> None:
    base = pr.run("rev-parse", "HEAD").strip()
    head = pr.commit("六月数据更新", author="李出纳")
    code, out, _ = run(pr, "main~0", "HEAD", "--format", "json")
    assert code == 0
    assert json.loads(out)["submissions"] == []
    code, out, _ = run(pr, base, "HEAD", "--format", "json")
    data = json.loads(out)
    assert data["base"] == {"revision": base, "commit": base}
    assert data["head"] == {"revision": "HEAD", "commit": head}
    assert data["summary"] == {
        "files": 2,
        "added": 0,
        "modified": 1,
        "renamed": 1,
        "deleted": 0,
        "unchanged": 0,
        "appeared": 4,
        "cleared": 2,
        "changed": 0,
    }
    second, first = data["submissions"]
    assert first == {
        "path": PROJECT_PATH,
        "old_path": None,
        "status": "modified",
        "kind": "project",
        "name": "城乡义务教育家庭经济困难学生生活补助",
        "code": "101-2025-001",
        "confidential": False,
        "withheld": False,
        "changes": [
            {
                "kind": "field",
                "field": "资金·中央财政资金·支出数",
                "before": "60.20",
                "after": "250.00",
                "text": "资金·中央财政资金·支出数 60.20 → 250.00",
                "confidential": False,
            },
            {
                "kind": "added",
                "field": "绩效指标·补助发放及时率",
                "before": None,
                "after": (
                    "一级指标 产出指标；二级指标 时效指标；年度指标值 ≥95%；指标完成情况 96%；"
                    "全年指标预计完成情况 98%；完成目标可能性 确定能"
                ),
                "text": "新增绩效指标「补助发放及时率」",
                "confidential": False,
            },
            {
                "kind": "figure",
                "field": "资金·资金总额·支出数",
                "before": "60.20",
                "after": "250.00",
                "text": "资金·资金总额·支出数 60.20 → 250.00",
                "confidential": False,
            },
            {
                "kind": "figure",
                "field": "资金·资金总额·支出进度",
                "before": "30.10%",
                "after": "125.00%",
                "text": "资金·资金总额·支出进度 30.10% → 125.00%",
                "confidential": False,
            },
            {
                "kind": "figure",
                "field": "资金·中央财政资金·支出进度",
                "before": "30.10%",
                "after": "125.00%",
                "text": "资金·中央财政资金·支出进度 30.10% → 125.00%",
                "confidential": False,
            },
        ],
        "findings": {
            "appeared": [
                {
                    "path": PROJECT_PATH,
                    "line": 9,
                    "column": 53,
                    "code": "W411",
                    "severity": "warning",
                    "light": "red",
                    "message": "「中央财政资金」支出数 250.00 万元超过安排数 200.00 万元 50.00 万元（超预算）",
                },
                {
                    "path": PROJECT_PATH,
                    "line": 9,
                    "column": 53,
                    "code": "W415",
                    "severity": "warning",
                    "light": "yellow",
                    "message": "「中央财政资金」支出数 250.00 万元超过下达数 200.00 万元（含上年结转）50.00 万元",
                },
                {
                    "path": PROJECT_PATH,
                    "line": 9,
                    "column": 67,
                    "code": "W416",
                    "severity": "warning",
                    "light": "yellow",
                    "message": "「中央财政资金」全年预计支出数 200.00 万元少于截至6月已支出的 250.00 万元（少 50.00 万元）",
                },
                {
                    "path": PROJECT_PATH,
                    "line": 11,
                    "column": 1,
                    "code": "W427",
                    "severity": "warning",
                    "light": "yellow",
                    "message": "绩效指标缺少效益指标、质量指标，无法全面反映绩效目标",
                },
            ],
            "cleared": [
                {
                    "path": PROJECT_PATH,
                    "line": 8,
                    "column": 1,
                    "code": "W401",
                    "severity": "warning",
                    "light": "yellow",
                    "message": "「资金总额」支出进度 30.10%（支出 60.20 万元 / 安排 200.00 万元），仅为序时进度 50.00% 的 60.20%，低于 80%",
                },
                {
                    "path": PROJECT_PATH,
                    "line": 11,
                    "column": 1,
                    "code": "W427",
                    "severity": "warning",
                    "light": "yellow",
                    "message": "绩效指标缺少效益指标、质量指标、时效指标，无法全面反映绩效目标",
                },
            ],
            "changed": [],
        },
        "light": {"before": "yellow", "after": "red"},
        "review_state": {"before": "已报送", "after": "已报送"},  # on both sides, no review record: unchanged
    }
    assert second == {
        "path": MOVED_PATH,
        "old_path": SECOND_PATH,
        "status": "renamed",
        "kind": "project",
        "name": "教师培训",
        "code": "101-2025-002",
        "confidential": False,
        "withheld": False,
        "changes": [],
        "findings": {"appeared": [], "cleared": [], "changed": []},
        "light": {"before": "yellow", "after": "yellow"},
        "review_state": {"before": "已报送", "after": "已报送"},
    }
    assert [(c["author"], c["message"]) for c in data["commits"]] == [("李出纳", "六月数据更新")]


def test_a_warning_cleared_and_files_added_and_deleted(pr: GitRepo) -> None:
    pr.commit("超支")
    pr.edit(PROJECT_PATH, "支出数: 250", "支出数: 150")
    (pr.root / MOVED_PATH).unlink()
    pr.write(f"{DEPT}/部门整体.yaml", "年度: [\n")  # new and unreadable: reported, never a crash
    code, out, _ = run(pr, "HEAD", "--format", "json")
    data = json.loads(out)
    # the overspend clears in the edited file; the deleted file's warnings leave with it (nothing was fixed)
    assert data["summary"] == {
        "files": 3,
        "added": 1,
        "modified": 1,
        "renamed": 0,
        "deleted": 1,
        "unchanged": 0,
        "appeared": 1,
        "cleared": 3,
        "changed": 0,
    }
    by_path = {s["path"]: s for s in data["submissions"]}
    assert [f["code"] for f in by_path[PROJECT_PATH]["findings"]["cleared"]] == ["W411", "W415", "W416"]
    assert by_path[MOVED_PATH]["status"] == "deleted" and by_path[MOVED_PATH]["changes"] == []
    added = by_path[f"{DEPT}/部门整体.yaml"]
    assert added["status"] == "added" and added["kind"] == "department"
    assert [c["kind"] for c in added["changes"]] == ["unreadable"]
    assert [f["code"] for f in added["findings"]["appeared"]] == ["E102"]
    code, markdown, _ = run(pr, "HEAD")
    assert code == 0
    assert "| 警告 W411 | 「中央财政资金」支出数 250.00 万元超过安排数 200.00 万元 50.00 万元（超预算） | 第 9 行 | 已消除 |" in markdown
    assert (
        "### 教师培训（101-2025-002） · 删除\n\n文件：`submissions/2025-06/101-教育和体育局/101-2025-002.yaml`\n\n文件已删除。\n"
        in markdown
    )
    assert "| 文件 | 无法读取 | — | 第 2 行第 1 列：YAML 格式错误" in markdown


def test_a_roster_change_shows_warnings_in_files_not_changed(seeded: GitRepo) -> None:
    seeded.edit("submissions/2025-06/名单.yaml", '"101-2025-001"', '"101-2025-011"')
    code, out, _ = run(seeded, "HEAD", "--format", "json")
    assert code == 0
    data = json.loads(out)
    roster, project = data["submissions"]  # files with content changes first
    assert roster["status"] == "modified" and roster["kind"] == "roster"
    # 101-2025-001 is no longer listed: treated as 涉密 (W302) until the roster lists it, so never named
    assert [c["text"] for c in roster["changes"]] == ["删除部门·101·应报项目「＊＊＊」", "新增部门·101·应报项目「101-2025-011」"]
    assert project["confidential"] and project["path"] == "" and project["findings"]["appeared"] == []


def test_confidential_submissions_are_marked(seeded: GitRepo) -> None:
    seeded.edit(PROJECT_PATH, "预算单位: 朔州市教育局本级\n", "预算单位: 朔州市教育局本级\n涉密: true\n")
    code, out, _ = run(seeded, "HEAD")
    assert code == 0
    # a diff is posted (PR comments, job summaries): that a confidential file changed, and nothing else
    assert "### 一个涉密文件〔涉密〕 · 修改" in out
    assert "101-2025-001" not in out and "城乡义务教育家庭经济困难学生生活补助" not in out and "| 填报 |" not in out
    entry = json.loads(run(seeded, "HEAD", "--format", "json")[1])["submissions"][0]
    assert entry["confidential"] is True and entry["path"] == entry["name"] == entry["code"] == "" and entry["changes"] == []


def test_nothing_changed(seeded: GitRepo) -> None:
    code, out, _ = run(seeded, "HEAD")
    assert code == 0 and "两个版本之间，报送数据没有变化。" in out


def test_output_file(seeded: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "out" / "diff.md"
    code, out, err = run(seeded, "HEAD", "-o", str(target))
    assert code == 0 and out == "" and "已写入" in err
    assert target.read_text(encoding="utf-8").startswith("## 报送数据变更：HEAD → 工作区（未提交）")


def test_not_a_repository_exits_3_with_a_chinese_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "main", "--root", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 3 and "不在 git 仓库中" in result.stderr and result.stdout == ""


def test_an_unknown_revision_exits_2(seeded: GitRepo) -> None:
    code, out, err = run(seeded, "origin/main")
    assert code == 2 and out == ""
    assert "找不到版本「origin/main」" in err and "fetch-depth" in err


def test_root_below_the_top_of_the_repository(repo: GitRepo) -> None:
    repo.write("data/" + PROJECT_PATH, PROJECT)
    repo.write("data/submissions/2025-06/101-教育局/evidence/名单.pdf", "%PDF")
    repo.commit("first")
    repo.edit("data/" + PROJECT_PATH, "支出数: 60.2", "支出数: 61")
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--root", str(repo.root / "data"), "--format", "json"], catch_exceptions=False)
    (only,) = json.loads(result.stdout)["submissions"]
    assert only["path"] == PROJECT_PATH and only["changes"][0]["text"] == "资金·中央财政资金·支出数 60.20 → 61.00"


def test_a_long_comment_is_cut_at_a_section_and_says_how_many_are_left(pr: GitRepo) -> None:
    result = api.diff(pr.root, "main")
    full = diff_report.markdown(result)
    short = diff_report.markdown(result, limit=400)
    assert len(short) < len(full)
    assert "……另有 1 份报送的变化因评论长度所限未列出" in short and "### 教师培训" in short and "### 城乡" not in short


def test_an_edit_inside_a_long_text_shows_where_it_is() -> None:
    before = "截至6月底，项目资金安排1135.50万元，已下达980.00万元，下达率89.09%；" * 3 + "累计支出510.55万元。" + "其余按计划推进。" * 10
    after = before.replace("累计支出510.55万元", "累计支出612.00万元")
    change = Change(FIELD, "分析报告·预算执行情况分析", before, after)
    result = DiffResult("main", "0" * 40, "HEAD", "1" * 40, [FileDiff("a.yaml", None, "modified", "project", "甲", "1", False, (change,))])
    row = next(line for line in diff_report.markdown(result).splitlines() if "预算执行情况分析" in line)
    assert row == (
        "| 填报 | 分析报告·预算执行情况分析 "
        "| …率89.09%；累计支出510.55万元。其余按计划推进。其… | …率89.09%；累计支出612.00万元。其余按计划推进。其… |"
    )
