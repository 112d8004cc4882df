"""The docgen command end to end, in-process through click's runner, on real files."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.cli import cli
from tests.conftest import ROOT, build_file_tree

ROSTER = """年度: 2025
截至月份: 6
截止日期: "2025-07-31"
部门:
  - 主管部门: 朔州市教育局
    主管部门代码: "101"
    预算单位: [朔州市教育局本级]
    应报项目:
      - {项目代码: "101-2025-001", 项目名称: 学生资助, 预算单位: 朔州市教育局本级}
"""

PROJECT = """年度: 2025
截至月份: 6
项目名称: 学生资助
项目代码: "101-2025-001"
主管部门: 朔州市教育局
主管部门代码: "101"
预算单位: 朔州市教育局本级
资金:
  中央财政资金: {上年结转: 0, 本年预算: 860.00, 下达数: 860.00, 支出数: 412.35, 全年预计支出数: 860.00}
  市级财政资金: {上年结转: 35.5, 本年预算: 240, 下达数: 120, 支出数: 98.2, 全年预计支出数: 275.5}
  其他资金: {上年结转: 0, 本年预算: 0, 下达数: 0, 支出数: 0, 全年预计支出数: 0}
项目年度绩效目标: 按标准足额发放生活补助。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 资助学生人数
    年度指标值: ≥12000人
    指标完成情况: 11860人
    全年指标预计完成情况: 12100人
    完成目标可能性: 确定能
"""

FOLDER = "submissions/2025-06/101-教育局"


def tree(tmp_path: Path, **extra: str) -> Path:
    return build_file_tree(tmp_path, {"submissions/2025-06/名单.yaml": ROSTER, f"{FOLDER}/101-2025-001.yaml": PROJECT, **extra})


def test_demo_validates_cleanly(run, chdir) -> None:
    chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "错误" not in result.stdout


def test_validate_reports_and_exits_1(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(PROJECT.replace("支出数: 98.2", "支出数: 98,2"), encoding="utf-8")
    result = run("validate", "submissions")
    assert result.exit_code == 1
    # in a {…} row the comma splits 98,2 into 支出数: 98 and a stray key 「2」
    assert result.stdout.startswith(f"{FOLDER}/101-2025-001.yaml:10:")
    assert "E203 不认识的项「2」" in result.stdout and "1 个错误" in result.stderr


def test_strict_makes_warnings_fail(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    over = PROJECT.replace("支出数: 98.2", "支出数: 298.2")  # above 安排数 275.5
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(over, encoding="utf-8")
    assert run("validate").exit_code == 0
    assert run("validate", "--strict").exit_code == 1


def test_github_format_is_a_workflow_command(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(PROJECT.replace("确定能", "确定"), encoding="utf-8")
    line = next(line for line in run("validate", "--format", "github").stdout.splitlines() if line.startswith("::error"))
    assert line.startswith(f"::error file={FOLDER}/101-2025-001.yaml,line=20,col=14,title=E205::")


def test_build_writes_summary_with_computed_figures(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    result = run("build")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "build" / "summary.json").read_text(encoding="utf-8"))
    (period,) = summary["periods"]
    assert (period["period"], period["label"], period["time_progress"]) == ("2025-06", "2025年1-6月", "50.00")
    assert period["confidential_excluded"] == 0
    (project,) = period["submissions"]
    table = project["tables"]["资金"]
    assert list(table) == ["资金总额", "中央财政资金", "省级财政资金", "市级财政资金", "县（区）财政资金", "单位自筹资金", "其他资金"]
    assert table["资金总额"] == {
        "carried_over": "35.50",
        "budget": "1100.00",
        "subtotal": "1135.50",
        "allocated": "980.00",
        "allocation_rate": "89.09",
        "spent": "510.55",
        "spend_progress": "44.96",
        "execution": "89.92",
        "expected": "1135.50",
    }
    assert table["其他资金"]["allocation_rate"] is None and table["其他资金"]["spend_progress"] is None
    assert table["市级财政资金"]["spend_progress"] == "35.64"


def test_summary_counts_confidential_projects_but_never_names_them(run, chdir, tmp_path) -> None:
    """build/ is published by CI: a 涉密 project's name, code and figures must not be in it."""
    secret = PROJECT.replace("学生资助", "战备专项").replace("预算单位: 朔州市教育局本级", "预算单位: 朔州市教育局本级\n涉密: true")
    roster = ROSTER.replace(
        "项目名称: 学生资助, 预算单位: 朔州市教育局本级}", "项目名称: 战备专项, 预算单位: 朔州市教育局本级, 涉密: true}"
    )
    chdir(tree(tmp_path, **{f"{FOLDER}/101-2025-001.yaml": secret, "submissions/2025-06/名单.yaml": roster}))
    assert run("build").exit_code == 0
    text = (tmp_path / "build" / "summary.json").read_text(encoding="utf-8")
    assert "战备专项" not in text and "101-2025-001" not in text
    assert json.loads(text)["periods"][0]["confidential_excluded"] == 1


def test_build_with_errors_writes_nothing(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    assert run("build").exit_code == 0

    def snapshot() -> dict[str, bytes]:
        return {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in (tmp_path / "build").rglob("*") if p.is_file()}

    before = snapshot()
    assert "build/summary.json" in before
    written = sorted(p.relative_to(tmp_path) for p in (tmp_path / "build").rglob("*"))
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(PROJECT.replace("年度: 2025", "年度: 二〇二五"), encoding="utf-8")
    result = run("build")
    assert result.exit_code == 1
    assert "错误" in result.stderr
    assert snapshot() == before
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "build").rglob("*")) == written  # nothing new, no temp files


def test_new_project_from_roster_validates_and_has_modeline(run, chdir, tmp_path) -> None:
    roster = ROSTER.replace(
        "      - {项目代码", '      - {项目代码: "101-2025-002", 项目名称: 校舍维修, 预算单位: 朔州市教育局本级}\n      - {项目代码'
    )
    chdir(tree(tmp_path, **{"submissions/2025-06/名单.yaml": roster}))
    result = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-002")
    assert result.exit_code == 0, result.output
    created = tmp_path / FOLDER / "101-2025-002.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schema/project.schema.json\n")
    assert "项目名称: 校舍维修" in text
    fresh = run("validate")
    assert fresh.exit_code == 0  # a scaffold is a valid file …
    placeholders = [line for line in fresh.stdout.splitlines() if " W308 " in line]
    assert any("「三级指标」还是模板中的提示文字「（指标名称）」" in line for line in placeholders)  # … that says what to fill in
    own = [line for line in fresh.stdout.splitlines() if "101-2025-002.yaml" in line]
    assert own and not any(" W307 " in line or " W310 " in line for line in own)  # 「未填报」, not zeros
    assert run("validate", "--strict").exit_code == 1
    assert run("fmt", "--check", str(created.relative_to(tmp_path))).exit_code == 0  # and already in canonical form
    again = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-002")
    assert again.exit_code == 2 and "已存在" in again.stderr
    assert created.read_text(encoding="utf-8") == text


def test_new_says_when_the_roster_does_not_know_the_period_department_or_project(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    unknown_project = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-999")
    assert unknown_project.exit_code == 0 and "名单 submissions/2025-06/名单.yaml 中没有项目代码「101-2025-999」" in unknown_project.stderr
    unknown_department = run("new", "department", "--period", "2025-06", "--department-code", "109")
    assert "没有主管部门代码「109」" in unknown_department.stderr
    no_roster = run("new", "project", "--period", "2025-07", "--department-code", "101", "--code", "101-2025-001")
    assert "本期还没有名单文件 submissions/2025-07/名单.yaml" in no_roster.stderr
    listed = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-002")
    assert listed.exit_code == 0 and "注意" in listed.stderr  # 101-2025-002 is not in this roster either
    known = run("new", "department", "--period", "2025-06", "--department-code", "101")
    assert known.exit_code == 0 and "注意" not in known.stderr


def test_new_department_validates(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    result = run("new", "department", "--period", "2025-06", "--department-code", "101")
    assert result.exit_code == 0, result.output
    assert (tmp_path / FOLDER / "部门整体.yaml").is_file()
    assert run("validate").exit_code == 0


def test_missing_path_is_a_usage_error(run, chdir, tmp_path) -> None:
    chdir(tmp_path)
    result = run("validate", "nope")
    assert result.exit_code == 2 and "没有找到" in result.stderr


def test_every_command_has_help_with_an_example_and_is_in_the_readme(run) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "示例" in (command.help or ""), f"docgen {name} help has no example"
        assert f"docgen {name}" in readme, f"README does not mention docgen {name}"


# --- messages that point at the truth (issue 14) ------------------------------------------------------------


def test_new_refuses_a_month_that_does_not_exist(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    for period, says in (("2025-13", "月份 13 不在 1 到 12 之间"), ("2025-0", "月份 0 不在 1 到 12 之间"), ("25-06", "应写成 2025-06")):
        result = run("new", "project", "--period", period, "--department-code", "101", "--code", "101-2025-002")
        assert result.exit_code == 2 and says in result.stderr, result.output
    assert sorted(p.name for p in (tmp_path / "submissions").iterdir()) == ["2025-06"]  # nothing created
    assert run("new", "project", "--period", "2025-6", "--department-code", "101", "--code", "101-2025-002").exit_code == 0


def test_a_broken_roster_is_reported_as_broken_not_as_missing(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path, **{"submissions/2025-06/名单.yaml": ROSTER.replace("截至月份: 6", "截至月份: 6 :\n  x: [")}))
    result = run("validate", "--format", "json")
    report = json.loads(result.stdout)
    found = {(f["path"], f["code"]): f for f in report["findings"]}
    assert ("submissions/2025-06/名单.yaml", "E102") in found
    w310 = found[(f"{FOLDER}/101-2025-001.yaml", "W314")]
    roster_error = found[("submissions/2025-06/名单.yaml", "E102")]
    assert f"第 {roster_error['line']} 行第 {roster_error['column']} 列" in w310["message"]
    assert "W304" not in [f["code"] for f in report["findings"]]
    new = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-002")
    assert "名单文件 submissions/2025-06/名单.yaml 有错误" in new.stderr and "没有主管部门代码" not in new.stderr


def test_a_missing_roster_is_still_w304(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    (tmp_path / "submissions/2025-06/名单.yaml").unlink()
    codes = [f["code"] for f in json.loads(run("validate", "--format", "json").stdout)["findings"]]
    assert "W304" in codes and "W314" not in codes


def test_a_failed_build_says_it_wrote_nothing_and_lists_the_errors_before_and_after_the_warnings(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(PROJECT.replace("支出数: 98.2", "支出数: 98,2"), encoding="utf-8")
    result = run("build")
    assert result.exit_code == 1 and not (tmp_path / "build").exists()
    lines = result.stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if " 错误 " in line]
    warnings = [i for i, line in enumerate(lines) if " 警告 " in line]
    assert warnings and len(errors) == 2 and errors[0] < min(warnings) and errors[1] > max(warnings)
    assert "未生成任何文件" in lines[-1]


def test_a_failed_build_without_warnings_lists_its_errors_once(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text("项目名称：学生资助\n年度: 2025\n", encoding="utf-8")
    (tmp_path / "submissions/2025-06/名单.yaml").unlink()
    result = run("build")
    assert result.exit_code == 1 and result.stderr.count(" E102 ") == 1 and "再列一次" not in result.stderr
    assert "未生成任何文件" in result.stderr


def test_docgen_finds_the_root_from_a_subfolder(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    deep = tmp_path / FOLDER / "附件"
    deep.mkdir()
    chdir(deep)
    result = run("validate", "--format", "json")
    assert result.exit_code == 0 and "E308" not in result.stdout
    assert json.loads(result.stdout)["errors"] == 0
